import { hostname } from 'node:os';
/**
 * `gatehouse evidence export` / `verify`: a real ssh session under a grant through the bastion,
 * exported into one tar and checked with nothing but the file, then tampered with byte by byte.
 */
import { copyFile, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Grant, Session } from '../../src/core/model.js';
import { UstarWriter } from '../../src/evidence/ustar.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { makeUserKey } from '../helpers/keys.js';
import { runSsh } from '../helpers/ssh-client.js';
import { tempDir } from '../helpers/tmp.js';
import { isOneLineError, type Run } from './cli-harness.js';
import { editMember, members } from './evidence-tar.js';

let b: BastionFixture;
let grant: Grant;
let session: Session;
let out: string;
let tar: Buffer;

/** `gatehouse …` in-process, in `cwd`, with no config anywhere unless `--config` is given. */
async function gatehouse(cwd: string, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { cwd, env: {} },
  );
  return { code, stdout, stderr };
}

const admin = (...args: string[]): Promise<Run> =>
  gatehouse(b.dir, '--config', b.configPath, '--actor', 'auditor-prep', ...args);

/** A copy of the evidence file with `edit` applied, verified in an empty folder. */
async function verifyEdited(edit: (copy: Buffer) => void, ...args: string[]): Promise<Run> {
  const dir = await tempDir('gatehouse-auditor-');
  const copy = Buffer.from(tar);
  edit(copy);
  await writeFile(join(dir, 'evidence.tar'), copy);
  return gatehouse(dir, 'evidence', 'verify', join(dir, 'evidence.tar'), ...args);
}

/** The exported chain segment's lines. */
function segmentLines(): string[] {
  const m = members(tar).get('audit/events.jsonl');
  return tar
    .subarray(m?.start, (m?.start ?? 0) + (m?.size ?? 0))
    .toString('utf8')
    .split('\n');
}

/** Changes the digit right after `prefix` inside member `name` (a value, never the layout). */
function bumpDigit(name: string, prefix: string): (copy: Buffer) => void {
  return (copy) => {
    const m = members(copy).get(name);
    if (m === undefined) throw new Error(`no member ${name}`);
    const at = copy.subarray(m.start, m.start + m.size).indexOf(prefix);
    const pos = m.start + at + prefix.length;
    const digit = copy[pos] ?? 0;
    if (at === -1 || digit < 0x30 || digit > 0x39) throw new Error(`no digit after ${prefix}`);
    copy[pos] = digit === 0x39 ? 0x30 : digit + 1;
  };
}

function expectNamed(r: Run, pattern: RegExp): void {
  expect(r.code).toBe(1);
  expect(isOneLineError(r)).toBe(true);
  expect(r.stderr).toMatch(pattern);
}

beforeAll(async () => {
  b = await startBastion();
  const alice = await b.userWithGrant('alice');
  grant = alice.grant;
  const ran = await runSsh(b.login(alice), { command: ['echo', 'evidence-marker-42'] });
  expect(ran.stdout.toString()).toContain('evidence-marker-42');
  // A second user's session: unrelated events inside the segment.
  const bob = await b.userWithGrant('bob');
  await runSsh(b.login(bob), { command: ['true'] });
  const sessions = await b.store.sessions.list({ grantId: grant.id });
  expect(sessions).toHaveLength(1);
  session = sessions[0] as Session;
  out = join(b.dir, 'evidence-alice.tar');
  const r = await admin('evidence', 'export', '--grant', String(grant.id), '-o', out);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  tar = await readFile(out);
}, 60_000);
afterAll(async () => {
  await b.stop();
});

describe('gatehouse evidence export', () => {
  it('writes one tar with the index, the signed checkpoint, the segment, the rows and the recording, and audits the export', async () => {
    expect([...members(tar).keys()]).toEqual([
      'evidence.json',
      'audit/checkpoint.json',
      'audit/events.jsonl',
      'nda.json',
      'grant.json',
      `sessions/${session.id}.cast.manifest.json`,
      `sessions/${session.id}.cast`,
    ]);
    const m = members(tar).get(`sessions/${session.id}.cast`);
    const cast = tar.subarray(m?.start ?? 0, (m?.start ?? 0) + (m?.size ?? 0)).toString('utf8');
    expect(cast).toContain('evidence-marker-42');
    const [exported] = await b.auditTypes('evidence.export');
    const { createHash } = await import('node:crypto');
    expect(exported).toMatchObject({
      grantId: grant.id,
      sha256: createHash('sha256').update(tar).digest('hex'),
      bytes: tar.length,
      sessionCount: 1,
      missingRecordings: 0,
    });
  });

  it('closes the segment with a checkpoint that is stored (and so in the sinks), and reuses a stored one that covers the grant', async () => {
    const m = members(tar).get('audit/checkpoint.json');
    const inFile = JSON.parse(
      tar.subarray(m?.start ?? 0, (m?.start ?? 0) + (m?.size ?? 0)).toString('utf8'),
    ) as { seq: number; signature: string };
    const stored = await b.store.checkpoints.list();
    expect(stored.map((cp) => cp.signature)).toContain(inFile.signature);
    // Bob's grant ended before that checkpoint: his export reuses it and stores none.
    const bobGrant = (await b.store.grants.list()).find((g) => g.id !== grant.id);
    const bobFile = join(b.dir, 'evidence-bob.tar');
    const r = await admin('evidence', 'export', '--grant', String(bobGrant?.id), '-o', bobFile);
    expect(r).toMatchObject({ code: 0 });
    expect(await b.store.checkpoints.list()).toHaveLength(stored.length);
    expect((await readFile(bobFile)).includes(inFile.signature)).toBe(true);
  });

  it('refuses an unknown grant in one line, and an existing file unless --force', async () => {
    const unknown = await admin(
      'evidence',
      'export',
      '--grant',
      '9999',
      '-o',
      join(b.dir, 'x.tar'),
    );
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gatehouse: evidence: no grant with id 9999\n',
    });
    const again = await admin('evidence', 'export', '--grant', String(grant.id), '-o', out);
    expectNamed(again, /^gatehouse: evidence: .*evidence-alice\.tar exists; give --force/);
    expect(await readFile(out)).toEqual(tar);
    expect((await readdir(b.dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('fails closed when a recording is missing, or marks the gap with --allow-missing (then verify fails)', async () => {
    const castPath = join(b.dir, 'recordings', ...(session.recordingPath ?? '').split('/'));
    const saved = `${castPath}.saved`;
    await copyFile(castPath, saved);
    await rm(castPath);
    try {
      const partial = join(b.dir, 'partial.tar');
      const refused = await admin('evidence', 'export', '--grant', String(grant.id), '-o', partial);
      expectNamed(
        refused,
        new RegExp(
          `^gatehouse: evidence: session ${session.id}: .*\\.cast: cannot be read \\(ENOENT\\); give --allow-missing`,
        ),
      );
      expect(await readdir(b.dir)).not.toContain('partial.tar');
      const gapped = await admin(
        'evidence',
        'export',
        '--grant',
        String(grant.id),
        '-o',
        partial,
        '--allow-missing',
      );
      expect(gapped.code).toBe(0);
      expect(gapped.stdout).toMatch(/^gap: session /m);
      const verify = await gatehouse(b.dir, 'evidence', 'verify', partial);
      expectNamed(
        verify,
        new RegExp(`^gatehouse: evidence: sessions/${session.id}: recording missing at export`),
      );
    } finally {
      await copyFile(saved, castPath);
    }
  });
});

describe('gatehouse evidence verify', () => {
  it('passes in an empty folder with no config, printing the grant, the checkpoint and the key', async () => {
    const dir = await tempDir('gatehouse-auditor-');
    await writeFile(join(dir, 'evidence-7.tar'), tar);
    const r = await gatehouse(dir, 'evidence', 'verify', join(dir, 'evidence-7.tar'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hostPub = await readFile(join(b.dir, 'keys', 'host_ed25519.pub'), 'utf8');
    const { verifyingKeyFromLine } = await import('../../src/keys/signing-key.js');
    const keyId = verifyingKeyFromLine(hostPub)?.keyId ?? '';
    expect(r.stdout).toContain(`grant ${grant.id}, NDA ${grant.ndaId}`);
    expect(r.stdout).toMatch(
      new RegExp(
        `covered by checkpoint seq \\d+ signed by key ${keyId.replace(/[+/]/g, '\\$&')} at 20`,
      ),
    );
    expect(r.stdout).toContain('sessions: 1 verified');
    expect(r.stdout).toContain(`key: ${keyId}`);
    expect(await readdir(dir)).toEqual(['evidence-7.tar']); // no database, no config left behind
  });

  it('passes with --key set to the bastion key, and fails with another key', async () => {
    const hostPub = join(b.dir, 'keys', 'host_ed25519.pub');
    expect((await verifyEdited(() => undefined, '--key', hostPub)).code).toBe(0);
    const other = await makeUserKey(await tempDir(), 'mallory');
    const r = await verifyEdited(() => undefined, '--key', `${other.privatePath}.pub`);
    expectNamed(
      r,
      /^gatehouse: evidence: key: the file is signed by SHA256:\S+, not by the pinned key SHA256:/,
    );
  });

  it('names the audit event whose byte was flipped', async () => {
    const lines = segmentLines();
    const start = lines.find((l) => l.includes('"actor":"user:alice"')) ?? '';
    const seq = (JSON.parse(start) as { seq: number }).seq;
    const r = await verifyEdited(
      editMember('audit/events.jsonl', '"actor":"user:alice"', '"actor":"user:alicf"'),
    );
    expectNamed(
      r,
      new RegExp(
        `^gatehouse: evidence: audit/events\\.jsonl seq ${seq}: hash does not match the event\\n$`,
      ),
    );
  });

  it('carries the node of each event serve wrote, and names the event whose node was changed', async () => {
    const first = segmentLines().find((l) => l.includes('"node":')) ?? '{}';
    const { seq, node } = JSON.parse(first) as { seq: number; node: string };
    expect(node).toBe(hostname()); // the default node.name
    const other = `${node.startsWith('x') ? 'y' : 'x'}${node.slice(1)}`;
    const r = await verifyEdited(
      editMember('audit/events.jsonl', `"node":"${node}"`, `"node":"${other}"`),
    );
    expectNamed(
      r,
      new RegExp(`^gatehouse: evidence: audit/events\\.jsonl seq ${seq}: hash does not match`),
    );
  });

  it('names the checkpoint, the recording, the manifest, the index and the NDA row when a byte of each is flipped', async () => {
    expectNamed(
      await verifyEdited(bumpDigit('audit/checkpoint.json', '"at": ')),
      /^gatehouse: evidence: audit\/checkpoint\.json: signature does not verify/,
    );
    expectNamed(
      await verifyEdited(
        editMember(`sessions/${session.id}.cast`, 'evidence-marker-42', 'evidence-marker-43'),
      ),
      new RegExp(
        `^gatehouse: evidence: sessions/${session.id}\\.cast: sha256 does not match its signed manifest`,
      ),
    );
    expectNamed(
      await verifyEdited(bumpDigit(`sessions/${session.id}.cast.manifest.json`, '"events": ')),
      new RegExp(
        `^gatehouse: evidence: sessions/${session.id}\\.cast\\.manifest\\.json: signature does not verify`,
      ),
    );
    expectNamed(
      await verifyEdited(
        editMember(
          `sessions/${session.id}.cast.manifest.json`,
          '"sessionId"',
          '"sessionId"'.replace('I', 'J'),
        ),
      ),
      new RegExp(
        `^gatehouse: evidence: sessions/${session.id}\\.cast\\.manifest\\.json: manifest fields are missing`,
      ),
    );
    expectNamed(
      await verifyEdited(editMember('evidence.json', '"format"', '"formas"')),
      /^gatehouse: evidence: evidence\.json: /,
    );
    expectNamed(
      await verifyEdited(
        editMember('evidence.json', `"grantId": ${grant.id}`, `"grantId": ${grant.id + 1}`),
      ),
      /^gatehouse: evidence: evidence\.json: signature does not verify/,
    );
    expectNamed(
      await verifyEdited(editMember('nda.json', 'Acme', 'Acmf')),
      /^gatehouse: evidence: nda\.json: title differs from the nda\.create event \(seq \d+\)\n$/,
    );
    expectNamed(
      await verifyEdited(editMember('grant.json', '"reason": "', '"reason":  ')),
      /^gatehouse: evidence: grant\.json: /,
    );
    expectNamed(
      await verifyEdited(editMember('grant.json', '"confirmations": []', '"confirmations": {}')),
      /^gatehouse: evidence: grant\.json: confirmations differs from the grant\.create event \(seq \d+\)\n$/,
    );
    const scope = grant.ndaScopeSha256 ?? '';
    const other = `${scope.startsWith('a') ? 'b' : 'a'}${scope.slice(1)}`;
    expectNamed(
      await verifyEdited(
        editMember('grant.json', `"ndaScopeSha256": "${scope}"`, `"ndaScopeSha256": "${other}"`),
      ),
      /^gatehouse: evidence: grant\.json: ndaScopeSha256 differs from the nda\.acknowledge event \(seq \d+\)\n$/,
    );
  });

  it('names a tar header whose byte was flipped, and refuses trailing data', async () => {
    const m = members(tar).get('nda.json');
    expectNamed(
      await verifyEdited((copy) => {
        const at = (m?.header ?? 0) + 140; // a digit of the mtime field
        copy[at] = (copy[at] ?? 0) ^ 1;
      }),
      new RegExp(`^gatehouse: evidence: tar header at byte ${m?.header}: checksum does not match`),
    );
    expectNamed(
      await verifyEdited((copy) => {
        copy[copy.length - 1] = 0x41;
      }),
      /^gatehouse: evidence: tar: data after the end of the archive/,
    );
  });

  it('refuses an unexpected member, a repeated one, one of another size, and a link, naming it', async () => {
    const parts = [...members(tar)].map(
      ([name, m]) => [name, tar.subarray(m.start, m.start + m.size)] as [string, Buffer],
    );
    const rebuilt = async (list: readonly [string, Buffer][]): Promise<Run> => {
      const dir = await tempDir('gatehouse-auditor-');
      const file = join(dir, 'evidence.tar');
      const fh = await open(file, 'wx');
      try {
        const writer = new UstarWriter(fh, 0);
        for (const [name, data] of list) await writer.addBuffer(name, data);
        await writer.finish();
      } finally {
        await fh.close();
      }
      return gatehouse(dir, 'evidence', 'verify', file);
    };
    expect((await rebuilt(parts)).code).toBe(0);
    expectNamed(
      await rebuilt([...parts, ['notes.txt', Buffer.from('trust me')]]),
      /^gatehouse: evidence: tar: unexpected member notes\.txt\n$/,
    );
    expectNamed(
      await rebuilt([...parts.slice(0, 3), ...parts.slice(2)]),
      /^gatehouse: evidence: tar: audit\/events\.jsonl is out of order or repeated\n$/,
    );
    const nda = parts.findIndex(([name]) => name === 'nda.json');
    const padded: [string, Buffer] = [
      'nda.json',
      Buffer.concat([parts[nda]?.[1] ?? Buffer.alloc(0), Buffer.from(' ')]),
    ];
    expectNamed(
      await rebuilt(parts.map((p, i) => (i === nda ? padded : p))),
      /^gatehouse: evidence: nda\.json: \d+ bytes, the index says \d+\n$/,
    );
    const m = members(tar).get('nda.json');
    expectNamed(
      await verifyEdited((copy) => {
        const h = m?.header ?? 0;
        copy.write('2', h + 156, 'latin1'); // a symlink…
        copy.fill(0x20, h + 148, h + 156); // …with its checksum made good again
        let sum = 0;
        for (let i = 0; i < 512; i += 1) sum += copy[h + i] ?? 0;
        copy.write(`${sum.toString(8).padStart(6, '0')}\0 `, h + 148, 'latin1');
      }),
      /^gatehouse: evidence: tar header at byte \d+: "nda\.json" is not a regular file \(type "2"\)/,
    );
  });

  it('catches a flipped byte anywhere in the file (a spread of positions over every member and header)', async () => {
    const { verifyEvidence } = await import('../../src/evidence/verify-evidence.js');
    const dir = await tempDir('gatehouse-flip-');
    const file = join(dir, 'e.tar');
    const stride = Math.max(1, Math.floor(tar.length / 400));
    let checked = 0;
    for (let pos = 3; pos < tar.length; pos += stride) {
      const copy = Buffer.from(tar);
      copy[pos] = (copy[pos] ?? 0) ^ 0x04;
      await writeFile(file, copy);
      await expect(verifyEvidence(file), `flip at byte ${pos}`).rejects.toThrow(/^evidence: /);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(300);
  });
});
