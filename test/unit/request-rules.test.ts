import { describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/access-request.js';
import { statusAt } from '../../src/core/access-request.js';
import { approverJudge, planFiling } from '../../src/core/request-decision.js';
import {
  checkDecider,
  chooseRule,
  globMatches,
  listsPrincipal,
  type RequestPolicy,
  type RequestRule,
} from '../../src/core/request-rules.js';

const HOUR = 3_600_000;
const rule = (over: Partial<RequestRule>): RequestRule => ({
  name: 'r',
  users: ['@contractors'],
  targets: ['db*'],
  maxDurationMs: 4 * HOUR,
  modes: ['shell'],
  approvals: 1,
  approvers: ['@leads'],
  autoApprove: false,
  pendingTtlMs: 24 * HOUR,
  ...over,
});
const policy: RequestPolicy = {
  groups: { contractors: ['alice', 'bob'], leads: ['carol', 'dave'] },
  rules: [
    rule({ name: 'db-ro', modes: ['readonly-ops', 'allowlist'], maxDurationMs: 8 * HOUR }),
    rule({ name: 'db-shell', modes: ['shell'], approvals: 2 }),
    rule({ name: 'web-auto', targets: ['web?'], autoApprove: true, approvers: [] }),
  ],
};
const shell = { kind: 'shell' } as const;

describe('globMatches', () => {
  it.each([
    ['db*', 'db1', true],
    ['db*', 'db', true],
    ['db*', 'xdb1', false],
    ['web?', 'web1', true],
    ['web?', 'web12', false],
    ['*', 'anything', true],
    ['a*b*c', 'a-x-b-y-c', true],
    ['a*b*c', 'a-x-c', false],
    ['db1', 'db1', true],
    ['db1', 'db10', false],
    ['*.*.*.*.*.*.*.*.*.*x', `${'a.'.repeat(40)}y`, false],
  ])('%s against %s → %s', (glob, name, expected) => {
    expect(globMatches(glob, name)).toBe(expected);
  });
});

describe('chooseRule', () => {
  it('takes the first rule for the user and target that offers the mode and duration', () => {
    const r = chooseRule(policy, { user: 'alice', target: 'db1', mode: shell, durationMs: HOUR });
    expect(r.ok && r.rule.name).toBe('db-shell');
    const p = chooseRule(policy, {
      user: 'bob',
      target: 'db2',
      mode: { kind: 'profile', name: 'readonly-ops', patterns: ['uptime'] },
      durationMs: 6 * HOUR,
    });
    expect(p.ok && p.rule.name).toBe('db-ro');
  });

  it('says why the first matching rule refuses: the mode, or the maximum', () => {
    expect(
      chooseRule(policy, {
        user: 'alice',
        target: 'db1',
        mode: { kind: 'profile', name: 'admin', patterns: ['x'] },
        durationMs: HOUR,
      }),
    ).toEqual({
      ok: false,
      message:
        'request: mode "admin" is not offered for db1 (rule db-ro offers readonly-ops, allowlist)',
    });
    expect(
      chooseRule(policy, {
        user: 'alice',
        target: 'db1',
        mode: { kind: 'allowlist', patterns: ['uptime'] },
        durationMs: 9 * HOUR,
      }),
    ).toEqual({
      ok: false,
      message: 'request: 9h is longer than the maximum of 8h for db1 (rule db-ro)',
    });
  });

  it('says the same for a target with no rule, whether or not it exists', () => {
    for (const target of ['prod-secret', 'nonexistent'])
      expect(chooseRule(policy, { user: 'alice', target, mode: shell, durationMs: HOUR })).toEqual({
        ok: false,
        message: `request: no request rule lets you ask for "${target}"`,
      });
    expect(
      chooseRule(policy, { user: 'mallory', target: 'db1', mode: shell, durationMs: HOUR }).ok,
    ).toBe(false);
  });
});

describe('checkDecider', () => {
  const r = rule({ approvers: ['@leads', 'alice'] });
  it.each([
    ['carol', 'alice', true, ''],
    ['alice', 'alice', false, 'request: alice cannot decide their own request'],
    ['mallory', 'alice', false, 'request: mallory is not an approver for rule r'],
  ])('%s deciding for %s', (approver, requester, ok, message) => {
    const d = checkDecider(policy, r, approver, requester);
    expect(d.ok).toBe(ok);
    if (!d.ok) expect(d.message).toBe(message);
  });
  it('expands groups', () => {
    expect(listsPrincipal(['@leads'], 'dave', policy.groups)).toBe(true);
    expect(listsPrincipal(['@nobody'], 'dave', policy.groups)).toBe(false);
  });
});

describe('filing and judging', () => {
  const T = 1_000_000;
  it('plans expiry and auto-approval from the rule', () => {
    expect(
      planFiling(
        policy,
        { kind: 'grant', user: 'alice', target: 'web1', mode: shell, durationMs: HOUR },
        T,
      ),
    ).toMatchObject({ ok: true, autoApprove: true, expiresAt: T + 24 * HOUR });
  });

  const request = {
    id: 7,
    kind: 'grant',
    userName: 'alice',
    targetName: 'db1',
    mode: shell,
    durationMs: HOUR,
    status: 'pending',
    expiresAt: T + HOUR,
  } as unknown as AccessRequest;

  it('judges with the rules as they are now', () => {
    const verdict = approverJudge(policy, 'carol', 10 * HOUR)(request);
    expect(verdict).toMatchObject({
      ok: true,
      approvalsRequired: 2,
      ruleMaxMs: 4 * HOUR,
      maxDurationMs: 10 * HOUR,
    });
    // Earlier approvals count only by approvers the rule names now, never the requester's.
    const counts = verdict.ok ? verdict.counts : undefined;
    expect(['dave', 'mallory', 'alice'].map((a) => counts?.(a))).toEqual([true, false, false]);
    // A rule whose maximum shrank caps the window (ruleMaxMs); one that no longer matches refuses.
    const tightened: RequestPolicy = { ...policy, rules: [rule({ maxDurationMs: HOUR / 2 })] };
    expect(approverJudge(tightened, 'carol', 10 * HOUR)(request)).toMatchObject({
      ok: true,
      ruleMaxMs: HOUR / 2,
    });
    const gone: RequestPolicy = { ...policy, rules: [rule({ targets: ['web*'] })] };
    expect(approverJudge(gone, 'carol', 10 * HOUR)(request)).toEqual({
      ok: false,
      message:
        'request: the rules no longer allow request 7 (no request rule lets you ask for "db1")',
    });
  });

  it('files and judges an extension under a rule that offers the grant’s own mode', () => {
    // db-ro (first, one approval) offers no shell: more time on a shell grant is db-shell's (two).
    const extension = { kind: 'extend', target: 'db1', mode: shell, durationMs: HOUR } as const;
    const filed = planFiling(policy, { ...extension, user: 'alice' }, T);
    expect(filed).toMatchObject({ ok: true, rule: { name: 'db-shell', approvals: 2 } });
    const pending = { ...request, kind: 'extend', grantId: 3 } as AccessRequest;
    expect(approverJudge(policy, 'carol', 10 * HOUR)(pending)).toMatchObject({
      ok: true,
      approvalsRequired: 2,
    });
    const roOnly: RequestPolicy = { ...policy, rules: [policy.rules[0]!] };
    expect(planFiling(roOnly, { ...extension, user: 'alice' }, T)).toMatchObject({ ok: false });
    expect(approverJudge(roOnly, 'carol', 10 * HOUR)(pending)).toMatchObject({ ok: false });
  });

  it('judges a request by the rule it was filed under while that rule still covers it', () => {
    // A short one-approval rule first, a long two-approval rule after: 3h was filed under db-long.
    const tiered: RequestPolicy = {
      groups: policy.groups,
      rules: [
        rule({ name: 'db-short', maxDurationMs: HOUR, approvers: ['carol'] }),
        rule({
          name: 'db-long',
          maxDurationMs: 8 * HOUR,
          approvals: 2,
          approvers: ['dave', 'erin'],
        }),
      ],
    };
    const long = { ...request, durationMs: 3 * HOUR, rule: 'db-long' } as AccessRequest;
    expect(approverJudge(tiered, 'dave', 10 * HOUR)(long)).toMatchObject({
      ok: true,
      approvalsRequired: 2,
      ruleMaxMs: 8 * HOUR,
    });
    expect(approverJudge(tiered, 'carol', 10 * HOUR)(long)).toEqual({
      ok: false,
      message: 'request: carol is not an approver for rule db-long',
    });
    // Once db-long is gone, the first rule that covers it now decides (capping the window).
    const shortOnly: RequestPolicy = { ...tiered, rules: [tiered.rules[0]!] };
    expect(approverJudge(shortOnly, 'carol', 10 * HOUR)(long)).toMatchObject({
      ok: true,
      ruleMaxMs: HOUR,
    });
  });

  it("never lets a person approve under the automatic approvals' name, even a rule naming it", () => {
    const naming: RequestPolicy = { ...policy, rules: [rule({ approvers: ['gatehouse'] })] };
    expect(approverJudge(naming, 'gatehouse', 10 * HOUR)(request)).toEqual({
      ok: false,
      message: 'request: gatehouse approves only automatically',
    });
  });

  it('reads a pending request past its deadline as expired', () => {
    expect(statusAt(request, T)).toBe('pending');
    expect(statusAt(request, T + HOUR)).toBe('expired');
  });
});
