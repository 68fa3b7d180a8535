/**
 * Resource limits on a command target's program (issue 13): set with setrlimit in the confinement
 * chain (targets/confinement.ts) before the program starts, so neither it nor anything it starts
 * can raise them. Defaults live in the config schema (`commandTargets.limits`).
 */
export interface ProgramLimits {
  /** RLIMIT_NPROC: processes of the run-as account on the whole host, not per session. */
  readonly processes: number;
  /** RLIMIT_NOFILE, per process. */
  readonly openFiles: number;
  /** RLIMIT_AS in bytes, per process; null: unlimited. */
  readonly memoryBytes: number | null;
  /** RLIMIT_CPU in seconds, per process; null: unlimited. */
  readonly cpuSeconds: number | null;
}
