/**
 * Signed checkpoints (issue 13, item 2): a cut tail, a re-hashed chain and a forged checkpoint
 * are reported by `gatehouse audit verify` and doctor, naming the first bad seq; the external
 * sink file catches what was deleted from the database as well.
 */
import { appendFile, mkdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/core/canonical-json.js';
import type { SessionId } from '../../src/core/model.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { signCheckpoint } from '../../src/keys/checkpoint-signature.js';
import { retiredAtOf, retiredKeysDir } from '../../src/keys/keyring.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { manifestPathOf } from '../../src/recording/recording-path.js';
import { chainHash, GENESIS_HASH } from '../../src/store/audit-chain.js';
import { Database } from '../../src/store/database.js';
import { isOneLineError } from './cli-harness.js';
import { lineOf } from './doctor-harness.js';
import { HOUR, makeBench, T0, type Bench } from './replay-fixture.js';

let b: Bench;
let sinkFile: string;

beforeEach(async () => {
  b = await makeBench(); // seeds 10 events: two users, NDAs, targets and grants
  sinkFile = path.join(b.cli.dir, 'other-storage', 'gatehouse-checkpoints.jsonl');
  await mkdir(path.dirname(sinkFile));
  await appendFile(b.cli.configPath, `audit:\n  checkpointSink:\n    file: ${sinkFile}\n`);
});
afterEach(async () => {
  await b.close();
});

const lastSeq = async (): Promise<number> => (await b.store.audit.head())?.seq ?? 0;

/** `gatehouse audit checkpoint`: the seq it signed. */
async function checkpoint(): Promise<number> {
  const r = await b.cli.run('audit', 'checkpoint');
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const seq = Number(/^checkpoint seq (\d+) SHA256:\S+\n$/.exec(r.stdout)?.[1]);
  expect(seq).toBe(await lastSeq());
  return seq;
}

const session = (n: number): Promise<SessionId> =>
  b.record({
    grant: b.grants.alice,
    startedAt: T0 + n * HOUR,
    steps: [{ at: 0, out: `ops@db1:~$ session ${n}\r\n` }],
  });

async function sql(statement: string, params: (string | number)[] = []): Promise<void> {
  const db = await Database.open(b.config.database.path);
  try {
    await db.run(statement, params);
  } finally {
    await db.close();
  }
}

interface EventRow {
  seq: number;
  ts: number;
  actor: string;
  type: string;
  payload: string;
}

/**
 * What someone holding the database file and this repository can do: drop events, then hash the
 * rest again from the start, renumbered, so that the chain walk alone passes.
 */
async function dropAndRehash(drop: (row: EventRow) => boolean): Promise<void> {
  const db = await Database.open(b.config.database.path);
  try {
    const rows = (await db.all<EventRow>('SELECT * FROM audit_events ORDER BY seq')).filter(
      (r) => !drop(r),
    );
    await db.run('DELETE FROM audit_events');
    let prev = GENESIS_HASH;
    let seq = 0;
    for (const r of rows) {
      seq += 1;
      const payload = JSON.parse(r.payload) as JsonValue;
      const hash = chainHash(prev, { seq, ts: r.ts, actor: r.actor, type: r.type, payload });
      await db.run(
        'INSERT INTO audit_events (seq, ts, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [seq, r.ts, r.actor, r.type, r.payload, prev, hash],
      );
      prev = hash;
    }
  } finally {
    await db.close();
  }
}

/** `audit verify` exits 1 with one error line; returns its stdout (one FAIL line per kind). */
async function verifyFails(...args: string[]): Promise<string> {
  const r = await b.cli.run('audit', 'verify', ...args);
  expect(r.code).toBe(1);
  expect(isOneLineError(r)).toBe(true);
  expect(r.stderr).toMatch(/^gatehouse: audit: /);
  return r.stdout;
}

describe('gatehouse audit verify against signed checkpoints', () => {
  it('passes an intact chain and says how far the checkpoints reach', async () => {
    await session(1);
    const at = await checkpoint();
    await session(2);
    const newer = (await lastSeq()) - at;
    expect(await b.cli.run('audit', 'verify')).toEqual({
      code: 0,
      stdout: `ok ${at + newer} events; 1 signed checkpoint match, the last at seq ${at} (${newer} newer events not yet checkpointed)\n`,
      stderr: '',
    });
  });

  it('deleting the newest events is a truncated chain, naming the first missing seq', async () => {
    await session(1);
    const kept = await lastSeq();
    await session(2);
    const signed = await checkpoint();
    await sql('DELETE FROM audit_events WHERE seq > ?', [kept]);
    expect(await verifyFails()).toBe(
      `FAIL chain truncated: a signed checkpoint names seq ${signed} but the chain ends at seq ${kept}; first bad seq ${kept + 1}\n`,
    );
    const json = await b.cli.run('--json', 'audit', 'verify');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      lastSeq: kept,
      checkpoints: { count: 2, verified: 0, coveredSeq: 0 }, // its row and its sink file line
      problems: [{ firstBadSeq: kept + 1, problem: expect.stringMatching(/^chain truncated: /) }],
    });
  });

  it('deleting a session with its events and re-hashing the rest is a rewritten chain, naming the first bad seq', async () => {
    // A checkpoint after each session, as serve writes one every N events.
    await session(1);
    const before = await checkpoint();
    const erased = await session(2);
    const signedAfterErased = await checkpoint();
    await session(3);
    await checkpoint();
    await session(4);
    const signed = await checkpoint();
    const first = before + 1; // the erased session's first event
    // Erase session 2 entirely: row, events, recording and manifest.
    const cast = await b.castPath(erased);
    await sql('DELETE FROM sessions WHERE id = ?', [erased]);
    await dropAndRehash((r) => r.payload.includes(erased));
    await unlink(cast);
    await unlink(manifestPathOf(cast));
    // The chain walk and the recordings alone see nothing.
    expect((await b.store.audit.verify()).ok).toBe(true);
    expect((await b.cli.run('recording', 'verify', '--all')).code).toBe(0);
    const end = await lastSeq();
    expect(await verifyFails()).toBe(
      [
        `FAIL chain rewritten: event ${signedAfterErased} differs from its signed checkpoint; first bad seq between ${first} and ${signedAfterErased}`,
        `FAIL chain truncated: a signed checkpoint names seq ${signed} but the chain ends at seq ${end}; first bad seq ${end + 1}`,
        '',
      ].join('\n'),
    );
  });

  it('a tampered checkpoint signature or an unknown key is reported with its seq', async () => {
    await session(1);
    const signed = await checkpoint();
    await sql(
      "UPDATE audit_checkpoints SET signature = 'AAAA' || substr(signature, 5) WHERE seq = ?",
      [signed],
    );
    expect(await verifyFails()).toBe(
      `FAIL checkpoint at seq ${signed} cannot be verified: bad signature; first bad seq ${signed}\n`,
    );
    await sql("UPDATE audit_checkpoints SET key_id = 'SHA256:forged' WHERE seq = ?", [signed]);
    expect(await verifyFails()).toBe(
      `FAIL checkpoint at seq ${signed} cannot be verified: signed by a key not in the keyring (SHA256:forged); first bad seq ${signed}\n`,
    );
  });

  it('the sink file catches events and checkpoint rows deleted together (the configured one by default, or --checkpoints FILE)', async () => {
    await session(1);
    const kept = await checkpoint();
    await session(2);
    const signed = await checkpoint();
    expect((await readFile(sinkFile, 'utf8')).trim().split('\n')).toHaveLength(2);
    await sql('DELETE FROM audit_events WHERE seq > ?', [kept]);
    await sql('DELETE FROM audit_checkpoints WHERE seq > ?', [kept]);
    // The database alone cannot show it (only up to the last checkpoint it holds); the copy on
    // other storage does, and plain `audit verify` reads the configured one.
    const truncated = `FAIL chain truncated: a signed checkpoint names seq ${signed} but the chain ends at seq ${kept}; first bad seq ${kept + 1}\n`;
    expect(await verifyFails()).toBe(truncated);
    expect(await verifyFails('--checkpoints', sinkFile)).toBe(truncated);
    // A line that is not a checkpoint is a problem of its own.
    await appendFile(sinkFile, '{"seq":"x"}\n');
    expect(await verifyFails('--checkpoints', sinkFile)).toContain(
      `FAIL ${sinkFile}: line 3 is not a checkpoint (1 such line)\n`,
    );
    const missing = await b.cli.run('audit', 'verify', '--checkpoints', `${sinkFile}.nope`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`gatehouse: audit: cannot read ${sinkFile}.nope (ENOENT)\n`);
  });

  it('doctor fails on a truncated chain', async () => {
    await session(1);
    const kept = await lastSeq();
    await session(2);
    const signed = await checkpoint();
    await sql('DELETE FROM audit_events WHERE seq > ?', [kept]);
    const r = await b.cli.run('doctor', '--local');
    expect(r.code).toBe(1);
    expect(lineOf(r.stdout, 'audit chain')).toMatch(/^PASS /);
    expect(lineOf(r.stdout, 'audit checkpoints')).toBe(
      `FAIL audit checkpoints: chain truncated: a signed checkpoint names seq ${signed} but the chain ends at seq ${kept}; first bad seq ${kept + 1}; the audit trail was cut or rewritten outside gatehouse: investigate`,
    );
  });

  it('doctor fails when the sink file is gone but the database holds checkpoints', async () => {
    await checkpoint();
    await rm(sinkFile);
    const r = await b.cli.run('doctor', '--local');
    expect(lineOf(r.stdout, 'audit checkpoints')).toBe(
      `FAIL audit checkpoints: ${sinkFile} (audit.checkpointSink.file) is missing, but the database holds checkpoints: find out who removed it`,
    );
  });
});

describe('host key rotation keeps old signatures verifiable', () => {
  it('by hand: the old .pub in <key folder>/retired verifies old recordings and checkpoints', async () => {
    await session(1);
    const signed = await checkpoint();
    const hostKey = b.config.ssh.hostKeyPath;
    await mkdir(retiredKeysDir(hostKey));
    await rename(`${hostKey}.pub`, path.join(retiredKeysDir(hostKey), 'old.pub'));
    await rm(hostKey);
    await ensureKeyPair(hostKey); // the new host key
    expect((await b.cli.run('recording', 'verify', '--all')).code).toBe(0);
    expect((await b.cli.run('audit', 'verify')).stdout).toContain(
      `1 signed checkpoint match, the last at seq ${signed}`,
    );
    // Without the keyring the same files no longer verify: it is what carries them.
    await rm(retiredKeysDir(hostKey), { recursive: true });
    const recordings = await b.cli.run('recording', 'verify', '--all');
    expect(recordings.code).toBe(1);
    expect(recordings.stderr).toContain('manifest signature is not valid');
    expect(await verifyFails()).toMatch(
      /^FAIL checkpoint at seq \d+ cannot be verified: signed by a key not in the keyring/,
    );
  });

  it('gatehouse keys rotate-host-key keeps the old public key, signs the head with it, and audits the rotation', async () => {
    await session(1);
    const before = await checkpoint();
    const hostKey = b.config.ssh.hostKeyPath;
    const oldLine = (await readFile(`${hostKey}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    const rotated = await b.cli.json<{
      oldKeyId: string;
      newKeyId: string;
      retiredPublicKey: string;
    }>('keys', 'rotate-host-key');
    expect(rotated.newKeyId).not.toBe(rotated.oldKeyId);
    expect(path.dirname(rotated.retiredPublicKey)).toBe(retiredKeysDir(hostKey));
    expect((await readFile(rotated.retiredPublicKey, 'utf8')).startsWith(`${oldLine} `)).toBe(true);
    expect(await readFile(`${hostKey}.pub`, 'utf8')).not.toContain(oldLine);
    const [event] = await b.store.audit.list({ type: 'bastion.hostkey.rotate' });
    expect(event?.payload).toEqual(rotated);
    // Checkpoints before and at the rotation (old key) and after it (new key) all verify.
    const after = await checkpoint();
    const checkpoints = await b.store.checkpoints.list();
    expect(checkpoints.map((c) => [c.seq, c.keyId])).toEqual([
      [before, rotated.oldKeyId],
      [before, rotated.oldKeyId],
      [after, rotated.newKeyId],
    ]);
    expect((await b.cli.run('audit', 'verify')).stdout).toMatch(
      new RegExp(`^ok \\d+ events; 3 signed checkpoints match, the last at seq ${after}\n$`),
    );
    expect((await b.cli.run('recording', 'verify', '--all')).code).toBe(0);
  });

  it('a retired key signs only before its retirement: a checkpoint it signs dated later is reported', async () => {
    await session(1);
    await checkpoint();
    const hostKey = b.config.ssh.hostKeyPath;
    const oldKey = signingKeyFromOpenSsh(await readFile(hostKey)); // as a thief kept it
    const rotated = await b.cli.json<{ retiredPublicKey: string }>('keys', 'rotate-host-key');
    const retiredAt = retiredAtOf(await readFile(rotated.retiredPublicKey, 'utf8'));
    expect(retiredAt).not.toBeNull();
    const head = await b.store.audit.head();
    if (head === null || retiredAt === null) throw new Error('no head');
    const forged = signCheckpoint(head, retiredAt + 60_000, oldKey);
    await b.store.checkpoints.add(forged);
    expect(await verifyFails()).toBe(
      `FAIL checkpoint at seq ${head.seq} cannot be verified: dated after its key ${oldKey.keyId} was retired; first bad seq ${head.seq}\n`,
    );
  });

  it('a retired key file without a retirement time (placed by hand) keeps verifying at any date', async () => {
    await session(1);
    const hostKey = b.config.ssh.hostKeyPath;
    const oldKey = signingKeyFromOpenSsh(await readFile(hostKey));
    await mkdir(retiredKeysDir(hostKey));
    await rename(`${hostKey}.pub`, path.join(retiredKeysDir(hostKey), 'old.pub'));
    await rm(hostKey);
    await ensureKeyPair(hostKey);
    const head = await b.store.audit.head();
    if (head === null) throw new Error('no head');
    await b.store.checkpoints.add(signCheckpoint(head, Date.now(), oldKey));
    expect((await b.cli.run('audit', 'verify')).stdout).toContain(
      `1 signed checkpoint match, the last at seq ${head.seq}`,
    );
  });
});
