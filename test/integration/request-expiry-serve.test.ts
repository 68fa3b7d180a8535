/**
 * A real `gatehouse serve` expires a pending access request whose deadline passes: the chain gets
 * request.expired (actor gatehouse) within a few seconds, and logins go on meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { AccessRequest } from '../../src/core/access-request.js';
import type { AuditRecord } from '../../src/core/model.js';
import { runSsh } from '../helpers/ssh-client.js';
import { startSshd, type SshdTarget } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';
import { seedServeDir, startServe, type ServeChild } from './metrics-serve-harness.js';
import { HOUR, withStoreAt } from './store-fixtures.js';

let sshd: SshdTarget;
let serve: ServeChild;
let aliceKey: string;
let dbPath: string;

const withStore = <T>(fn: Parameters<typeof withStoreAt<T>>[1]): Promise<T> =>
  withStoreAt(dbPath, fn);

/** alice asks for db1, pending until `expiresAt`. */
const fileRequest = (expiresAt: number): Promise<AccessRequest> =>
  withStore(async (store) => {
    const [nda] = await store.ndas.list();
    if (nda === undefined) throw new Error('no NDA seeded');
    return store.requests.create(
      {
        kind: 'grant',
        userName: 'alice',
        targetName: 'db1',
        grantId: null,
        ndaId: nda.id,
        mode: { kind: 'shell' },
        durationMs: HOUR,
        reason: 'INC-7 replication lag',
        rule: 'db-shell',
        approvalsRequired: 1,
        expiresAt,
      },
      null,
      Date.now(),
      'user:alice',
    );
  });

beforeAll(async () => {
  sshd = await startSshd();
  const dir = await tempDir('gatehouse-request-expiry-');
  const seeded = await seedServeDir(dir, sshd);
  aliceKey = seeded.alice.keyPath;
  dbPath = (await loadConfig(seeded.configPath, {}, dir)).database.path;
  serve = await startServe(seeded.configPath);
});

afterAll(async () => {
  await serve?.stop();
  await sshd?.stop();
});

describe('gatehouse serve: pending requests past their deadline', () => {
  it('writes request.expired within a few seconds; a request still within its deadline stays pending', async () => {
    const soon = await fileRequest(Date.now() + 1_000);
    const later = await fileRequest(Date.now() + HOUR);

    let expired: AuditRecord[] = [];
    for (let i = 0; i < 150 && expired.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expired = await withStore((s) => s.audit.list({ type: 'request.expired' }));
    }
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({
      actor: 'gatehouse',
      payload: { requestId: soon.id, user: 'alice', target: 'db1' },
    });
    expect(await withStore((s) => s.requests.get(soon.id))).toMatchObject({
      status: 'expired',
      decidedBy: 'gatehouse',
    });
    expect((await withStore((s) => s.requests.get(later.id)))?.status).toBe('pending');
    await serve.waitForLog((l) => l['msg'] === 'pending access requests expired');

    const login = await runSsh(
      { port: serve.sshPort, keyPath: aliceKey, login: 'alice+db1' },
      { command: ['echo', 'still-open'] },
    );
    expect(login.stdout.toString('utf8')).toContain('still-open');
    expect(login.code).toBe(0);
    expect((await withStore((s) => s.audit.verify())).ok).toBe(true);
  });
});
