import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { GatehouseError } from '../../src/core/errors.js';
import { NOTIFIABLE_EVENTS } from '../../src/core/notification.js';

/** Config `notify.webhooks` (issue 14): strict, http(s) only, a secret for json, never echoed. */

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

const SECRET = 'whsec-0123456789abcdef';

describe('config notify.webhooks', () => {
  it('is empty by default', () => {
    expect(parse('').notify).toEqual({ webhooks: [] });
  });

  it('reads a slack and a json webhook; events default to every notifiable type', () => {
    const c = parse(
      [
        'notify:',
        '  webhooks:',
        '    - url: https://hooks.slack.example/services/T0/B0/XXXX',
        '      format: slack',
        '      events: [request.created, request.approved]',
        '    - url: http://127.0.0.1:9000/gatehouse',
        '      format: json',
        `      secret: ${SECRET}`,
        '',
      ].join('\n'),
    );
    expect(c.notify.webhooks).toEqual([
      {
        url: 'https://hooks.slack.example/services/T0/B0/XXXX',
        format: 'slack',
        events: ['request.created', 'request.approved'],
        secret: null,
      },
      {
        url: 'http://127.0.0.1:9000/gatehouse',
        format: 'json',
        events: [...NOTIFIABLE_EVENTS],
        secret: SECRET,
      },
    ]);
  });

  it.each([
    [
      'json without a secret',
      '    - url: https://siem.example/hook\n      format: json\n',
      'config: notify.webhooks.0.secret: is required for format json (messages are signed with it)',
    ],
    [
      'a URL that is not http(s)',
      `    - url: ftp://siem.example/hook\n      format: json\n      secret: ${SECRET}\n`,
      'config: notify.webhooks.0.url: must be an http:// or https:// URL',
    ],
    [
      'an event type that is not notifiable',
      '    - url: https://chat.example/hook\n      format: slack\n      events: [auth.success]\n',
      'config: notify.webhooks.0.events.0: must be one of request.created, request.approved, request.denied, request.expired, request.cancelled, grant.create, grant.extend, grant.revoke, session.kill, session.flagged',
    ],
    [
      'an unknown format',
      '    - url: https://chat.example/hook\n      format: teams\n',
      'config: notify.webhooks.0.format: must be one of slack, json',
    ],
    [
      'an unknown key',
      '    - url: https://chat.example/hook\n      format: slack\n      retries: 3\n',
      'config: notify.webhooks.0.retries: unknown key',
    ],
    [
      'the same webhook twice',
      '    - url: https://chat.example/hook\n      format: slack\n    - url: https://chat.example/hook\n      format: slack\n',
      'config: notify.webhooks.1.url: is listed twice with this format',
    ],
  ])('refuses %s in one line', (_what, entries, message) => {
    expect(refusal(`notify:\n  webhooks:\n${entries}`)).toBe(message);
  });

  it('refuses a short secret without repeating it', () => {
    const message = refusal(
      'notify:\n  webhooks:\n    - url: https://siem.example/hook\n      format: json\n      secret: hunter2-short\n',
    );
    expect(message).toBe('config: notify.webhooks.0.secret: must be at least 16 characters');
    expect(message).not.toContain('hunter2');
  });
});
