import type { Command } from 'commander';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { Config } from '../config/load-config.js';

/** Where the CLI writes. `text` is written as given: callers end their lines with '\n'. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface GlobalOptions {
  readonly config?: string;
  readonly json: boolean;
  /** The audit actor: the OS identity, with a claimed `--actor` beside it (core/admin-actor.ts). */
  readonly actor: string;
  /** The person the actor names first (core/admin-actor.ts adminPerson): who approves. */
  readonly person: string;
}

export interface CliContext {
  readonly io: CliIo;
  /** The global options of the command being run (valid inside an action). */
  options(): GlobalOptions;
  /** Loads the config once per command run (cached). */
  loadConfig(): Promise<Config>;
  /** Opens the store at config.database.path, runs `fn`, and always closes it. */
  withStore<T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T>;
  readonly clock: Clock;
}

/** The shape of every noun file: `register(program, ctx)` adds its commands to the program. */
export type Register = (program: Command, ctx: CliContext) => void;
