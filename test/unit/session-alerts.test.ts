import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import type { AuditEvent } from '../../src/core/audit-events.js';
import type { Auditor } from '../../src/core/auditor.js';
import type { GrantId, SessionId } from '../../src/core/model.js';
import { sessionAlerts } from '../../src/lifecycle/session-alerts.js';
import { LiveSettings } from '../../src/reload/live-settings.js';
import type { SessionTap } from '../../src/session/ports.js';
import { T0 } from './core-fixtures.js';

/** Config `alerts` in one session (issue 15): what is matched, flagged and ended, by source. */

const subject = {
  sessionId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId,
  grantId: 6 as GrantId,
  user: 'alice',
  target: 'db1',
};

function setup(alertsYaml: string, captureInput = true) {
  const config = parseConfigText(
    `recordings:\n  captureInput: ${String(captureInput)}\n${alertsYaml}`,
    '/etc/gatehouse/gatehouse.yaml',
  );
  const settings = new LiveSettings(config);
  const events: AuditEvent[] = [];
  const auditor = {
    record: (event: AuditEvent) => {
      events.push(event);
      return Promise.resolve();
    },
  } as unknown as Auditor;
  const markers: string[] = [];
  const tap: SessionTap = {
    relativePath: 'x.cast',
    output: () => true,
    input: () => true,
    resize: () => undefined,
    marker: (text) => markers.push(text),
    onDrain: () => undefined,
    onFailure: () => undefined,
    close: () => Promise.resolve({ relativePath: 'x.cast', sha256: '', bytes: 0, events: 0 }),
  };
  const alerts = sessionAlerts(
    { alertRules: () => settings.alertRules(), clock: { now: () => T0 + 2500 }, auditor },
    subject,
    T0,
    tap,
  );
  return { alerts, events, markers, tap };
}

const rules = `alerts:
  - { name: su, match: "^sudo su", on: input, action: flag }
  - { name: drop, match: "DROP TABLE", on: command, action: end }
  - { name: key, match: "BEGIN * KEY", on: output, action: end }
`;

describe('sessionAlerts', () => {
  it('matches typed input line by line when input is recorded', () => {
    const { alerts, events, markers } = setup(rules);
    for (const ch of 'sudo su -\r') alerts.tap?.input(Buffer.from(ch));
    expect(events.map((e) => e.payload)).toEqual([
      { ...subject, rule: 'su', on: 'input', action: 'flag', excerpt: 'sudo su -', offset: 2.5 },
    ]);
    expect(markers).toEqual(['gatehouse: alert su (input): sudo su -']);
  });

  it('sees typed input and its echo as edited: a letter typed then erased does not hide a match', () => {
    const { alerts, events } = setup(rules);
    for (const ch of 'sudo sx\x7fu -\r') alerts.tap?.input(Buffer.from(ch));
    // What a shell echoes for that erase: BS, space, BS.
    alerts.tap?.output(Buffer.from('-----BEGIN RSA PRIVATE KEX\b \bY-----\r\n'), 'stdout');
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ rule: 'su', excerpt: 'sudo su -' }),
      expect.objectContaining({ rule: 'key', excerpt: '-----BEGIN RSA PRIVATE KEY-----' }),
    ]);
  });

  it('leaves input alone when it is not recorded (recordings.captureInput off)', () => {
    const { alerts, events } = setup(rules, false);
    alerts.tap?.input(Buffer.from('sudo su -\r'));
    expect(events).toEqual([]);
  });

  it('ends on output once, for a listener set before or after the match', () => {
    const { alerts, events } = setup(rules);
    alerts.tap?.output(Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nBEGIN X KEY\n'), 'stdout');
    const ends: string[] = [];
    alerts.onEnd((line) => ends.push(line));
    expect(ends).toEqual(['gatehouse: session closed by alert rule key; reported']);
    expect(events).toHaveLength(1);
  });

  it('refuses a command an end rule matches, with the line to show', () => {
    const { alerts, events } = setup(rules);
    expect(alerts.command('psql -c "SELECT 1"')).toBeNull();
    expect(alerts.command('psql -c "DROP TABLE users"')).toBe(
      'gatehouse: this command is not allowed (alert rule drop); session closed and reported',
    );
    expect(events.map((e) => e.payload)).toMatchObject([{ rule: 'drop', on: 'command' }]);
  });

  it('puts nothing between the relay and the recorder when no rule reads a stream', () => {
    const { alerts, tap } = setup(
      'alerts:\n  - { name: drop, match: DROP, on: command, action: end }\n',
    );
    expect(alerts.tap).toBe(tap);
  });
});
