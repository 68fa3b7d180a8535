import { describe, expect, it } from 'vitest';
import type { GrantId, NdaId, TargetId } from '../../src/core/model.js';
import { ndaIdentity, scopeHashInput, type SignoffScope } from '../../src/core/scope-signoff.js';
import { NO_TRANSFER, type TransferRights } from '../../src/core/transfer-rights.js';
import { ndaText } from '../../src/core/user-messages.js';
import { DAY_MS, HOUR_MS, T0, nda } from './core-fixtures.js';

const scope = (o: Partial<SignoffScope> = {}): SignoffScope => ({
  grantId: 7 as GrantId,
  nda: ndaIdentity(nda()),
  target: { id: 10 as TargetId, name: 'db1' },
  mode: 'shell',
  allowlist: [],
  transfer: NO_TRANSFER,
  startsAt: T0,
  endsAt: T0 + 2 * HOUR_MS,
  reason: 'INC-4211 slow queries',
  approvers: ['bob', 'carol'],
  fromRequest: true,
  ...o,
});

const LOGS: TransferRights = {
  direction: 'download',
  paths: ['/var/log/**', '/etc/app.conf'],
  budgetBytes: 500 * 1024 ** 2,
};

describe('scopeHashInput', () => {
  it('is the canonical JSON of the NDA identity, target, mode, sorted allowlist and reason', () => {
    expect(scopeHashInput(scope({ mode: 'commands', allowlist: ['uptime', 'df -h'] }))).toBe(
      '{"allowlist":["df -h","uptime"],"mode":"commands",' +
        `"nda":{"documentSha256":null,"id":3,"ref":"NDA-2026-014","signedAt":${T0 - 10 * DAY_MS},` +
        '"title":"Acme contractor NDA v3"},"reason":"INC-4211 slow queries",' +
        '"target":{"id":10,"name":"db1"},"v":1}',
    );
  });

  it('adds the transfer rights, paths sorted, when the grant allows file transfer', () => {
    const input = scopeHashInput(scope({ transfer: LOGS }));
    expect(input).toContain(
      '"target":{"id":10,"name":"db1"},"transfer":{"budgetBytes":524288000,' +
        '"direction":"download","paths":["/etc/app.conf","/var/log/**"]},"v":1}',
    );
    const reordered = { ...LOGS, paths: [...LOGS.paths].reverse() };
    expect(scopeHashInput(scope({ transfer: reordered }))).toBe(input);
  });

  it('is the same for another grant, window or approvers: the same scope', () => {
    const same = scope({
      grantId: 8 as GrantId,
      startsAt: T0 + 24 * HOUR_MS,
      endsAt: T0 + 30 * HOUR_MS,
      approvers: ['dave'],
      fromRequest: false,
    });
    expect(scopeHashInput(same)).toBe(scopeHashInput(scope()));
  });

  it.each<[string, Partial<SignoffScope>]>([
    ['another NDA', { nda: ndaIdentity(nda({ id: 4 as NdaId })) }],
    ['another NDA document', { nda: ndaIdentity(nda({ documentSha256: 'b'.repeat(64) })) }],
    ['another target', { target: { id: 11 as TargetId, name: 'db2' } }],
    ['a target of the same name added later', { target: { id: 12 as TargetId, name: 'db1' } }],
    ['an allowlist instead of a shell', { mode: 'commands', allowlist: ['uptime'] }],
    ['another reason', { reason: 'INC-4212' }],
    ['download rights', { transfer: LOGS }],
    ['other transfer paths', { transfer: { ...LOGS, paths: ['/srv/**'] } }],
    ['another transfer direction', { transfer: { ...LOGS, direction: 'both' } }],
    ['another transfer budget', { transfer: { ...LOGS, budgetBytes: 1 } }],
  ])('differs for %s', (_label, o) => {
    expect(scopeHashInput(scope(o))).not.toBe(scopeHashInput(scope()));
  });
});

describe('ndaText', () => {
  it('shows the NDA with the target, mode, window, reason and approvers', () => {
    expect(ndaText(scope())).toBe(
      [
        'Access to db1 under grant #7 is bound to this NDA:',
        '  Title:     Acme contractor NDA v3',
        '  Reference: NDA-2026-014',
        '  Signed:    2026-11-05',
        '  Document:  sha256 (none on file)',
        'and limited to this scope:',
        '  Target:    db1',
        '  Mode:      shell (any command)',
        '  Window:    2026-11-15T12:00:00Z to 2026-11-15T14:00:00Z (2h)',
        '  Reason:    INC-4211 slow queries',
        '  Approved:  by bob, carol',
        'Type  I agree  to acknowledge both (this is recorded).',
      ].join('\n'),
    );
  });

  it("lists an allowlist's commands and names the admin of an admin's grant", () => {
    const text = ndaText(
      scope({
        mode: 'commands',
        allowlist: ['tail -n {int} /var/log/app.log', 'uptime'],
        approvers: ['os:alice via sudo as gatehouse'],
        fromRequest: false,
      }),
    );
    expect(text).toContain(
      '  Mode:      only these commands:\n    tail -n {int} /var/log/app.log\n    uptime\n',
    );
    expect(text).toContain('  Granted:   by os:alice via sudo as gatehouse\n');
  });

  it('shows transfer rights after the mode: direction, path limits, budget', () => {
    const text = ndaText(scope({ transfer: LOGS }));
    expect(text).toContain(
      '  Mode:      shell (any command)\n' +
        '  Transfer:  download files from the target (sftp, scp), only:\n' +
        '    /var/log/**\n    /etc/app.conf\n' +
        '  Budget:    500MiB moved in all\n' +
        '  Window:',
    );
    expect(
      ndaText(scope({ transfer: { direction: 'both', paths: [], budgetBytes: null } })),
    ).toContain('  Transfer:  download and upload files (sftp, scp), any path\n  Window:');
  });

  it("escapes control and bidi characters of a requester's reason", () => {
    const text = ndaText(scope({ reason: 'fix\u001b[2J\r\nnow \u202eevil' }));
    expect(text).toContain('  Reason:    fix\\u001b[2J\\r\\nnow \\u202eevil\n');
  });
});
