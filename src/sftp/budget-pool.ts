/** How much of the grant's budget a session takes at a time, ahead of need. */
export const BUDGET_BLOCK = 4 * 1024 * 1024;

/**
 * A session's share of its grant's byte budget: taken from the grant in blocks before it is
 * needed, so a READ or WRITE is normally covered at once; only an empty pool waits for a take.
 * What a session took and did not use is not given back (the grant's budget is an upper bound).
 */
export class BudgetPool {
  private available = 0;
  private taking: Promise<void> | null = null;
  private spent = false;
  /** Claims of forwarded READs not yet answered: what they do not use comes back. */
  private out = 0;
  private readonly allBack: (() => void)[] = [];

  constructor(private readonly take: (bytes: number) => Promise<number>) {}

  /**
   * Takes up to `bytes` from the pool (less only once the grant's budget is spent): now when the
   * pool holds them, else once the grant answered.
   */
  claim(bytes: number): number | Promise<number> {
    if (this.available < bytes && !this.spent) return this.claimAfterTakes(bytes);
    const got = Math.min(bytes, this.available);
    this.available -= got;
    if (this.available < BUDGET_BLOCK / 2 && !this.spent) void this.refill();
    return got;
  }

  /** Bytes claimed and not used: back into this session's pool. */
  refund(bytes: number): void {
    this.available += bytes;
  }

  /**
   * Up to `want` bytes, at least `least`, else 0: decided once the claims still out came back
   * (reads past a file's end claim what they never move).
   */
  claimAtLeast(want: number, least: number): number | Promise<number> {
    const settle = (got: number): number | Promise<number> => {
      if (got >= least) return got;
      this.refund(got);
      if (this.out === 0) return 0;
      return new Promise<void>((back) => this.allBack.push(back)).then(() =>
        this.claimAtLeast(want, least),
      );
    };
    const got = this.claim(want);
    return got instanceof Promise ? got.then(settle) : settle(got);
  }

  /** A claim went out with a READ; `claimBack` when it was answered. */
  claimOut(): void {
    this.out += 1;
  }

  claimBack(unused: number): void {
    this.refund(unused);
    this.out -= 1;
    if (this.out === 0) for (const back of this.allBack.splice(0)) back();
  }

  private async claimAfterTakes(bytes: number): Promise<number> {
    while (this.available < bytes && !this.spent) await this.refill();
    return this.claim(bytes);
  }

  private refill(): Promise<void> {
    this.taking ??= this.take(BUDGET_BLOCK).then(
      (got) => {
        this.available += got;
        if (got < BUDGET_BLOCK) this.spent = true;
        this.taking = null;
      },
      () => {
        // Fail closed: a budget that cannot be read is spent.
        this.spent = true;
        this.taking = null;
      },
    );
    return this.taking;
  }
}
