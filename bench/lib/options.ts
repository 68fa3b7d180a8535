/** Sizes for a full run and for `--quick` (a smoke run of the whole pipeline). */
export interface BenchOptions {
  readonly quick: boolean;
  /** Force one cipher on every leg (client `Ciphers`, target and jump sshd `Ciphers`). */
  readonly cipher: string | null;
  readonly profile: boolean;
  /** `--only-alerts`: only the download with and without ten alert rules (issue 15). */
  readonly onlyAlerts: boolean;
  /** `--only-download`: only the download row (direct, jump, gatehouse in the same run) and its profile. */
  readonly onlyDownload: boolean;
  /** `--only-keys`: only the keystroke round trips, one and two writes per key (issue 16). */
  readonly onlyKeys: boolean;
  /** `--only-transfers`: only download, upload and SFTP get/put, connect included (issue 16). */
  readonly onlyTransfers: boolean;
  /** false (`--account-shell`): the target runs commands through the account's own shell and dotfiles. */
  readonly cleanShell: boolean;
  /** A gatehouse checkout with bin/ and a built dist/ (default: this repository), for A/B runs. */
  readonly gatehouseRoot: string | null;
  readonly transferMiB: number;
  readonly transferRounds: number;
  readonly connectRounds: number;
  readonly keystrokes: number;
  readonly keystrokeBlock: number;
  readonly scaleSteps: readonly number[];
  readonly idleSeconds: number;
  /** Users (each with a grant) the idle shells are spread over. */
  readonly scaleUsers: number;
  readonly loginSeconds: number;
  readonly loginParallel: number;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick') || env['BENCH_QUICK'] === '1';
  const cipherAt = argv.indexOf('--cipher');
  const cipher = cipherAt >= 0 ? (argv[cipherAt + 1] ?? null) : null;
  const rootAt = argv.indexOf('--gatehouse');
  const gatehouseRoot = rootAt >= 0 ? (argv[rootAt + 1] ?? null) : null;
  const base = {
    quick,
    cipher,
    gatehouseRoot,
    cleanShell: !argv.includes('--account-shell'),
    profile: !argv.includes('--no-profile'),
    onlyAlerts: argv.includes('--only-alerts'),
    onlyDownload: argv.includes('--only-download'),
    onlyKeys: argv.includes('--only-keys'),
    onlyTransfers: argv.includes('--only-transfers'),
    loginParallel: 10,
  };
  return quick
    ? {
        ...base,
        transferMiB: 32,
        transferRounds: 2,
        connectRounds: 5,
        keystrokes: 100,
        keystrokeBlock: 25,
        scaleSteps: [10, 20],
        idleSeconds: 3,
        scaleUsers: 5,
        loginSeconds: 5,
      }
    : {
        ...base,
        transferMiB: 256,
        transferRounds: 3,
        connectRounds: 20,
        keystrokes: 1000,
        keystrokeBlock: 50,
        scaleSteps: [50, 200, 500],
        idleSeconds: 10,
        scaleUsers: 50,
        loginSeconds: 30,
      };
}
