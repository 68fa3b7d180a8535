import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { GatehouseError } from '../../src/core/errors.js';

/** Config `alerts` (issue 15): rules compiled at load; a bad one refuses the file in one line. */

const parse = (yaml: string) => parseConfigText(yaml, '/etc/gatehouse/gatehouse.yaml');

function refusal(yaml: string): string {
  try {
    parse(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(GatehouseError);
    return (e as GatehouseError).userMessage;
  }
  throw new Error('config was accepted');
}

const rule = (fields: string): string => `alerts:\n  - ${fields.split(', ').join('\n    ')}`;

describe('config alerts', () => {
  it('is empty by default', () => {
    expect(parse('').alerts).toEqual([]);
  });

  it('reads a rule with its pattern compiled', () => {
    const [r] = parse(
      rule('name: shadow, match: "/etc/shadow*", on: output, action: notify'),
    ).alerts;
    expect(r).toMatchObject({ name: 'shadow', on: 'output', action: 'notify' });
    expect(r?.pattern.segments).toEqual(['/etc/shadow', '']);
  });

  it('refuses a catastrophic pattern, naming the rule, in one line', () => {
    const message = refusal(rule('name: boom, match: "(a+)+$", on: output, action: flag'));
    expect(message).toContain('alert rule "boom": match "(a+)+$" uses "(", regular expression');
    expect(message).not.toContain('\n');
  });

  it.each([
    ['an unknown source', 'name: x, match: a, on: stdin, action: flag', 'alerts.0.on'],
    ['an unknown action', 'name: x, match: a, on: output, action: kill', 'alerts.0.action'],
    ['an unknown key', 'name: x, match: a, on: output, action: flag, regex: true', 'unknown key'],
    [
      'a name that is not a name',
      'name: "X Y", match: a, on: output, action: flag',
      'alerts.0.name',
    ],
  ])('refuses %s', (_what, fields, expected) => {
    expect(refusal(rule(fields))).toContain(expected);
  });
});
