/**
 * recordings.keepTransfers on the review page: a transfer session's log marks each file as its
 * signed manifest says it was kept (whole, in part, not), the reason on hover.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import type { KeptTransfer } from '../../src/core/kept-transfers.js';
import { login, raw, startWebFixture, type WebFixture } from './web-fixture.js';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
let fx: WebFixture;
let cookie: string;

beforeAll(async () => {
  fx = await startWebFixture();
  cookie = await login(fx.base);
});
afterAll(async () => {
  await fx.close();
});

const entry = (over: Partial<KeptTransfer>): KeptTransfer => ({
  direction: 'download',
  path: '/var/log/a.log',
  bytes: 10,
  sha256: A,
  kept: 'whole',
  reason: null,
  file: '000001',
  keptBytes: 10,
  keptSha256: A,
  ...over,
});

describe('the transfer log of a session with kept copies', () => {
  it('marks each file kept whole, in part or not, as the manifest says', async () => {
    const s = await fx.seed({
      user: 'carol',
      target: 'files1',
      kind: 'sftp',
      startedAt: Date.now() - 60_000,
      steps: [[1, 'o', 'download /var/log/a.log\r\n']],
      transfers: [
        (ref) =>
          auditEvents.transferFile({
            ...ref,
            path: '/var/log/a.log',
            direction: 'download',
            bytes: 10,
            sha256: A,
          }),
        (ref) =>
          auditEvents.transferFile({
            ...ref,
            path: '/var/log/big.log',
            direction: 'download',
            bytes: 5000,
            sha256: B,
          }),
        (ref) =>
          auditEvents.transferFile({
            ...ref,
            path: '/tmp/resumed',
            direction: 'upload',
            bytes: 7,
            sha256: null,
          }),
      ],
      kept: {
        maxFileBytes: 1000,
        maxSessionBytes: 10_000,
        unlisted: 0,
        entries: [
          entry({}),
          entry({
            path: '/var/log/big.log',
            bytes: 5000,
            sha256: B,
            kept: 'first',
            reason: 'over maxFileBytes',
            file: '000002',
            keptBytes: 1000,
          }),
          entry({
            direction: 'upload',
            path: '/tmp/resumed',
            bytes: 7,
            sha256: null,
            kept: 'none',
            reason: 'random access',
            file: null,
            keptBytes: 0,
            keptSha256: null,
          }),
        ],
      },
    });
    const page = await raw(fx.base, 'GET', `/sessions/${s.id}`, { Cookie: cookie });
    expect(page.status).toBe(200);
    const badges = [
      ...page.body.matchAll(/<span class="badge (kept|unkept)" title="([^"]*)"\s*>([^<]*)</g),
    ].map((m) => [m[1], m[2], m[3]]);
    expect(badges).toEqual([
      ['kept', 'kept: whole file', 'kept'],
      ['kept', 'kept: first 1000 bytes (over maxFileBytes)', 'kept (part)'],
      ['unkept', 'not kept (random access)', 'not kept'],
    ]);
  });

  it('marks nothing when the session kept no copies', async () => {
    const s = await fx.seed({
      user: 'dave',
      target: 'files1',
      kind: 'sftp',
      startedAt: Date.now() - 60_000,
      steps: [[1, 'o', 'download /var/log/a.log\r\n']],
      transfers: [
        (ref) =>
          auditEvents.transferFile({
            ...ref,
            path: '/var/log/a.log',
            direction: 'download',
            bytes: 10,
            sha256: A,
          }),
      ],
    });
    const page = await raw(fx.base, 'GET', `/sessions/${s.id}`, { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('/var/log/a.log');
    expect(page.body).not.toMatch(/class="badge (kept|unkept)"/);
  });
});
