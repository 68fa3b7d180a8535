import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { sharedPostgres } from '../helpers/postgres-server.js';
import { STORE_ENGINES, type StoreEngine } from './store-fixtures.js';

const PER_PROCESS = 50;
const openStorePath = pathToFileURL(resolve('dist/store/open-store.js')).href;

/**
 * A CLI-like writer: opens the store, says `ready`, waits for `go` on stdin so both processes
 * write at the same moment, adds its users one transaction each, and reports every failure.
 */
const WRITER = `
import { openStore } from ${JSON.stringify(openStorePath)};
const [dbPath, prefix, n] = process.argv.slice(2);
const store = await openStore(dbPath);
process.stdout.write('ready\\n');
await new Promise((r) => process.stdin.once('data', r));
const failures = [];
const startedAt = Date.now();
await Promise.all(Array.from({ length: Number(n) }, async (_, i) => {
  try {
    await store.users.add(prefix + i, { algorithm: 'ssh-ed25519', blob: 'AAAA' + prefix + i,
      fingerprint: 'SHA256:' + prefix + '-' + i, comment: '' }, prefix);
  } catch (e) { failures.push(String(e.code) + ' ' + String(e.userMessage ?? e.message)); }
}));
const endedAt = Date.now();
await store.close();
process.stdout.write(JSON.stringify({ failures, startedAt, endedAt }) + '\\n');
process.stdin.destroy();
`;

interface WriterResult {
  failures: string[];
  startedAt: number;
  endedAt: number;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gh-store-conc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writer(script: string, dbPath: string, prefix: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [
    script,
    dbPath,
    prefix,
    String(PER_PROCESS),
  ]);
  let out = '';
  let err = '';
  const ready = new Promise<void>((done) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) done();
    });
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const finished = new Promise<WriterResult>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{'))
        fail(new Error(`writer ${prefix} exited ${code}: ${err}`));
      else done(JSON.parse(last) as WriterResult);
    });
  });
  return { child, ready, finished };
}

/** Both open a database that is empty or missing, so they also race on creating and migrating it. */
async function emptyDatabase(engine: StoreEngine): Promise<string> {
  if (engine === 'sqlite') return join(dir, 'data', 'gatehouse.db');
  const server = await sharedPostgres();
  return server.url(await server.createEmptyDatabase());
}

// On PostgreSQL the two processes are two nodes: one chain, appends serialised by the write lock.
it.each(STORE_ENGINES)(
  'two processes adding 50 users each at once all succeed, with no busy error and an intact chain [%s]',
  async (engine) => {
    const script = join(dir, 'writer.mjs');
    writeFileSync(script, WRITER);
    const dbPath = await emptyDatabase(engine);
    const a = writer(script, dbPath, 'a');
    const b = writer(script, dbPath, 'b');
    await Promise.all([a.ready, b.ready]);
    a.child.stdin.write('go\n');
    b.child.stdin.write('go\n');
    const [ra, rb] = await Promise.all([a.finished, b.finished]);
    expect(ra.failures).toEqual([]);
    expect(rb.failures).toEqual([]);
    // The two writers were busy at the same time (which of them wins each lock is up to the database).
    expect(ra.startedAt < rb.endedAt && rb.startedAt < ra.endedAt).toBe(true);

    const store = await openStore(dbPath);
    try {
      const names = (await store.users.list()).map((u) => u.name);
      expect(names).toHaveLength(2 * PER_PROCESS);
      expect(names.filter((n) => n.startsWith('a'))).toHaveLength(PER_PROCESS);
      expect(await store.audit.verify()).toEqual({ ok: true, count: 2 * PER_PROCESS });
    } finally {
      await store.close();
    }
  },
);
