import { describe, expect, it } from 'vitest';
import { BUDGET_BLOCK, BudgetPool } from '../../src/sftp/budget-pool.js';

/** A grant's budget as the session wiring gives it: takes answer what is left. */
function grant(total: number) {
  const takes: number[] = [];
  let left = total;
  const take = (bytes: number): Promise<number> => {
    takes.push(bytes);
    const got = Math.min(bytes, left);
    left -= got;
    return Promise.resolve(got);
  };
  return { takes, take };
}

describe('BudgetPool', () => {
  it('takes a block ahead of need, so later claims are answered at once', async () => {
    const g = grant(100 * BUDGET_BLOCK);
    const pool = new BudgetPool(g.take);
    expect(await pool.claim(1000)).toBe(1000);
    expect(pool.claim(32_768)).toBe(32_768);
    expect(g.takes).toEqual([BUDGET_BLOCK]);
  });

  it('takes the next block before the pool runs dry', async () => {
    const g = grant(100 * BUDGET_BLOCK);
    const pool = new BudgetPool(g.take);
    expect(await pool.claim(BUDGET_BLOCK / 2 + 1)).toBe(BUDGET_BLOCK / 2 + 1);
    await Promise.resolve();
    expect(g.takes).toEqual([BUDGET_BLOCK, BUDGET_BLOCK]);
  });

  it('gives what is left once the grant is spent, then nothing', async () => {
    const pool = new BudgetPool(grant(5000).take);
    expect(await pool.claim(4000)).toBe(4000);
    expect(pool.claim(4000)).toBe(1000);
    expect(pool.claim(1)).toBe(0);
    pool.refund(300);
    expect(pool.claim(4000)).toBe(300);
  });

  it('is spent when the grant cannot be asked (fail closed)', async () => {
    const pool = new BudgetPool(() => Promise.reject(new Error('store down')));
    expect(await pool.claim(10)).toBe(0);
  });

  it('refuses a claim it cannot cover only once the reads out gave back what they did not use', async () => {
    const pool = new BudgetPool(grant(10_000).take);
    expect(await pool.claimAtLeast(8000, 1)).toBe(8000);
    pool.claimOut();
    let answer: number | null = null;
    void Promise.resolve(pool.claimAtLeast(5000, 5000)).then((got) => (answer = got));
    await Promise.resolve();
    expect(answer).toBeNull();
    pool.claimBack(6000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(answer).toBe(5000);
    expect(pool.claimAtLeast(5000, 5000)).toBe(0);
  });
});
