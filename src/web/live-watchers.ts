/**
 * The live views open at once: capped (in all and per account), each ended when the page server
 * stops, so a stream held open by a browser never holds up shutdown.
 */
const MAX_WATCHERS = 32;
const MAX_WATCHERS_PER_ACCOUNT = 4;

export class LiveWatchers {
  readonly #byAccount = new Map<string, number>();
  readonly #shutdown = new AbortController();
  #total = 0;

  /** A slot for `account`, or null when the cap is reached; `release` gives it back once. */
  enter(account: string): { readonly signal: AbortSignal; release(): void } | null {
    const mine = this.#byAccount.get(account) ?? 0;
    if (this.#shutdown.signal.aborted) return null;
    if (this.#total >= MAX_WATCHERS || mine >= MAX_WATCHERS_PER_ACCOUNT) return null;
    this.#total += 1;
    this.#byAccount.set(account, mine + 1);
    let released = false;
    return {
      signal: this.#shutdown.signal,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const left = (this.#byAccount.get(account) ?? 1) - 1;
        if (left === 0) this.#byAccount.delete(account);
        else this.#byAccount.set(account, left);
      },
    };
  }

  /** Ends every live view (the server is closing). */
  close(): void {
    this.#shutdown.abort();
  }
}
