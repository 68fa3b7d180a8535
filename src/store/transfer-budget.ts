/**
 * A grant's transfer budget (issue 16): the bytes its SFTP sessions take, counted in
 * grants.transfer_used (migration 15). Runs inside the caller's write transaction (BEGIN
 * IMMEDIATE), so takers on two connections are serialised and never take more than it holds.
 */
import type { GrantId } from '../core/model.js';
import type { SqlConnection } from './sql-connection.js';

interface BudgetRow {
  transfer_budget: number | null;
  transfer_used: number;
}

/** Takes min(bytes, what is left) and counts it; all of `bytes` without a budget; 0 for no grant. */
export async function takeTransferBudget(
  db: SqlConnection,
  grantId: GrantId,
  bytes: number,
): Promise<number> {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) return 0;
  const row = await db.get<BudgetRow>(
    'SELECT transfer_budget, transfer_used FROM grants WHERE id = ?',
    [grantId],
  );
  if (!row) return 0;
  const left =
    row.transfer_budget === null ? bytes : Math.max(0, row.transfer_budget - row.transfer_used);
  const taken = Math.min(bytes, left);
  if (taken > 0) {
    await db.run('UPDATE grants SET transfer_used = transfer_used + ? WHERE id = ?', [
      taken,
      grantId,
    ]);
  }
  return taken;
}

export async function transferUsed(db: SqlConnection, grantId: GrantId): Promise<number> {
  const row = await db.get<BudgetRow>('SELECT transfer_used FROM grants WHERE id = ?', [grantId]);
  return row?.transfer_used ?? 0;
}
