import { describe, expect, it } from 'vitest';
import type { EpochMs } from '../../src/core/model.js';
import { PROBE_DECISION_TTL_MS, ProbeDecisions } from '../../src/transport/auth-probe-decision.js';
import type { LoginDecision } from '../../src/session/login-decision.js';

const T0: EpochMs = 1_800_000_000_000;
const at = (ms: number): EpochMs => T0 + ms;
const allowed = { ok: true, user: {}, choices: [] } as unknown as LoginDecision;
const refused: LoginDecision = { ok: false, reason: 'grant.revoked' };

describe('ProbeDecisions', () => {
  it.each([
    {
      name: 'same login and key, right after',
      login: 'alice+db1',
      fp: 'SHA256:a',
      after: 5,
      expected: allowed,
    },
    {
      name: 'just inside the lifetime',
      login: 'alice+db1',
      fp: 'SHA256:a',
      after: PROBE_DECISION_TTL_MS - 1,
      expected: allowed,
    },
    {
      name: 'at the end of the lifetime',
      login: 'alice+db1',
      fp: 'SHA256:a',
      after: PROBE_DECISION_TTL_MS,
      expected: null,
    },
    { name: 'another key', login: 'alice+db1', fp: 'SHA256:b', after: 5, expected: null },
    { name: 'another login name', login: 'alice+db2', fp: 'SHA256:a', after: 5, expected: null },
    {
      name: 'a clock that went back',
      login: 'alice+db1',
      fp: 'SHA256:a',
      after: -1,
      expected: null,
    },
  ])('$name', ({ login, fp, after, expected }) => {
    const probes = new ProbeDecisions();
    probes.remember('alice+db1', 'SHA256:a', at(0), allowed);
    expect(probes.take(login, fp, at(after))).toBe(expected);
  });

  it('gives a decision once, keeps no refusal, and keeps only the latest probe', () => {
    const probes = new ProbeDecisions();
    probes.remember('alice+db1', 'SHA256:a', at(0), allowed);
    expect(probes.take('alice+db1', 'SHA256:a', at(1))).toBe(allowed);
    expect(probes.take('alice+db1', 'SHA256:a', at(2))).toBeNull();

    probes.remember('alice+db1', 'SHA256:a', at(0), allowed);
    probes.remember('alice+db1', 'SHA256:a', at(1), refused);
    expect(probes.take('alice+db1', 'SHA256:a', at(2))).toBeNull();

    probes.remember('alice+db1', 'SHA256:a', at(0), allowed);
    probes.remember('alice+db1', 'SHA256:b', at(1), allowed);
    expect(probes.take('alice+db1', 'SHA256:a', at(2))).toBeNull();
  });
});
