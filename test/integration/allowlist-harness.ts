/** Audit and session reads for the allowlist tests. */
import type { AuditRecord } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';

export async function lastSeq(store: Store): Promise<number> {
  const [last] = await store.audit.list({ limit: 1 });
  return last?.seq ?? 0;
}

/** Audit rows after `seq`, without the auth.* rows every connection writes. */
export async function auditAfter(store: Store, seq: number): Promise<AuditRecord[]> {
  const rows = await store.audit.page(seq, 10_000);
  return rows.filter((r) => !r.type.startsWith('auth.'));
}

/** Waits until every session row is closed (session.end is written after the client has gone). */
export async function sessionsSettled(store: Store, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await store.sessions.list()).some((s) => s.endedAt === null)) {
    if (Date.now() > deadline) throw new Error('sessions still open');
    await new Promise((r) => setTimeout(r, 50));
  }
}
