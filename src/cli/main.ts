import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, type Config } from '../config/load-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { errorMessage, GatehouseError, isGatehouseError, oneLine } from '../core/errors.js';
import type { Store } from '../core/ports.js';
import { describeLocation, openStore, storeLocation } from '../store/open-store.js';
import { adminOf, LOGIN_UID_PATH } from './admin-identity.js';
import { register as registerAudit } from './audit.js';
import type { CliContext, CliIo, GlobalOptions } from './context.js';
import { register as registerDb } from './db.js';
import { register as registerDemo } from './demo.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerEvidence } from './evidence.js';
import { register as registerGrant } from './grant.js';
import { markRequiredOptions } from './help-text.js';
import { register as registerKeys } from './keys.js';
import { register as registerNda } from './nda.js';
import { processIo } from './process-io.js';
import { register as registerRecording } from './recording.js';
import { register as registerReplay } from './replay.js';
import { register as registerRequest } from './request.js';
import { register as registerReviewer } from './reviewer.js';
import { register as registerServe } from './serve.js';
import { register as registerSession } from './session.js';
import { register as registerTarget } from './target.js';
import { register as registerUser } from './user.js';

/*
 * Exit codes (DESIGN.md §2), one rule everywhere:
 *   0  success.
 *   2  usage: the command line is wrong by itself, judged before the database or the network is
 *      touched — unknown command/option, missing or extra argument, malformed values (names,
 *      durations, times, ids, ports, keys, patterns), conflicting options, an unreadable file
 *      named by an option (--key-file, --document). GatehouseError code 'usage'.
 *   1  refused or failed: the operation was tried — not found, already exists, a grant rule
 *      (NDA revoked/not covering, too long, no pinned host key…), config errors, database
 *      errors (corrupt, read-only, busy), network errors (target scan), a broken audit chain.
 * Every error is one line on stderr starting `gatehouse: `; nothing else is printed on error.
 */

/** A commander parse error, tagged with the command it happened in. */
class CommandLineError extends Error {
  constructor(
    readonly command: Command,
    readonly commanderError: CommanderError,
  ) {
    super(commanderError.message);
  }
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function commanderLine(err: CommandLineError): string {
  const where = commandPath(err.command);
  const prefix = where === '' ? '' : `${where}: `;
  if (err.commanderError.code === 'commander.help') {
    const subs = err.command.commands.map((c) => c.name()).filter((n) => n !== 'help');
    return `${prefix}missing command; one of: ${subs.join(', ')}`;
  }
  const text = err.commanderError.message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return `${prefix}${text}`;
}

/** What stderr shows of one error at most. */
const MAX_ERROR_LINE = 400;

function installOverrides(cmd: Command): void {
  markRequiredOptions(cmd);
  cmd.exitOverride((err) => {
    throw new CommandLineError(cmd, err);
  });
  cmd.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const sub of cmd.commands) installOverrides(sub);
}

/** The version in package.json (beside dist/ and src/ alike). */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('gatehouse')
    .description('SSH bastion for temporary, NDA-bound production access')
    .version(packageVersion(), '-V, --version', 'print the version of gatehouse')
    .option('--config <file>', 'config file (else $GATEHOUSE_CONFIG, else config/gatehouse.yaml)')
    .option('--json', 'print one JSON document on stdout', false)
    .option('--actor <name>', 'a name to record beside your OS identity in the audit trail')
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s) })
    .showSuggestionAfterError(true);
  registerUser(program, ctx);
  registerNda(program, ctx);
  registerTarget(program, ctx);
  registerKeys(program, ctx);
  registerGrant(program, ctx);
  registerRequest(program, ctx);
  registerSession(program, ctx);
  registerAudit(program, ctx);
  registerReplay(program, ctx);
  registerRecording(program, ctx);
  registerEvidence(program, ctx);
  registerReviewer(program, ctx);
  registerServe(program, ctx);
  registerDoctor(program, ctx);
  registerDb(program, ctx);
  registerDemo(program, ctx);
  installOverrides(program);
  return program;
}

export interface MainOptions {
  readonly clock?: Clock;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where the audit login uid is read (default /proc/self/loginuid; tests pass a file). */
  readonly loginUidPath?: string;
}

export async function main(
  argv: string[],
  io: CliIo = processIo(),
  mainOptions: MainOptions = {},
): Promise<number> {
  const env = mainOptions.env ?? process.env;
  const cwd = mainOptions.cwd ?? process.cwd();
  let current: GlobalOptions | undefined;
  let config: Promise<Config> | undefined;
  const ctx: CliContext = {
    io,
    clock: mainOptions.clock ?? systemClock,
    options: () => {
      if (current === undefined)
        throw new GatehouseError('internal', 'options read before parsing');
      return current;
    },
    loadConfig: () => (config ??= loadConfig(ctx.options().config, env, cwd)),
    withStore: async <T>(fn: (store: Store, config: Config) => Promise<T>): Promise<T> => {
      const cfg = await ctx.loadConfig();
      const store = await openDatabase(cfg.database, ctx.clock, cfg.node.name);
      try {
        return await fn(store, cfg);
      } finally {
        await store.close();
      }
    },
  };
  const program = buildProgram(ctx);
  program.hook('preAction', async (_program, action) => {
    const o = action.optsWithGlobals<{ config?: string; json: boolean; actor?: string }>();
    current = {
      ...(o.config === undefined ? {} : { config: o.config }),
      json: o.json,
      ...(await adminOf(o.actor, env, mainOptions.loginUidPath ?? LOGIN_UID_PATH)),
    };
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (isBareProgram(e)) {
      io.stdout(program.helpInformation());
      return 0;
    }
    return report(io, e);
  }
}

/**
 * Bare `gatehouse` is someone asking what it does: the help on stdout, exit 0, as `--help`.
 * A noun without its verb (`gatehouse grant`) stays a usage error naming the verbs (exit 2).
 */
function isBareProgram(e: unknown): e is CommandLineError {
  return (
    e instanceof CommandLineError &&
    e.commanderError.code === 'commander.help' &&
    e.command.parent === null
  );
}

/** The CLI writes its events as the node it runs on (config `node.name`). */
async function openDatabase(
  database: Config['database'],
  clock: Clock,
  node: string,
): Promise<Store> {
  const location = storeLocation(database);
  if (database.url === undefined) {
    try {
      await mkdir(path.dirname(location), { recursive: true, mode: 0o700 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new GatehouseError(
        'storage',
        `database: ${location}: cannot create its folder (${code})`,
      );
    }
  }
  try {
    return await openStore(location, { clock, node });
  } catch (e) {
    if (isGatehouseError(e)) throw e;
    throw new GatehouseError(
      'storage',
      `database: ${describeLocation(location)}: ${oneLine(errorMessage(e), MAX_ERROR_LINE)}`,
      {
        cause: e,
      },
    );
  }
}

function report(io: CliIo, e: unknown): number {
  if (e instanceof CommandLineError) {
    const code = e.commanderError.code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    io.stderr(`gatehouse: ${oneLine(commanderLine(e), MAX_ERROR_LINE)}\n`);
    return 2;
  }
  if (isGatehouseError(e)) {
    io.stderr(`gatehouse: ${oneLine(e.userMessage, MAX_ERROR_LINE)}\n`);
    return e.code === 'usage' ? 2 : 1;
  }
  io.stderr(`gatehouse: internal error: ${oneLine(errorMessage(e), MAX_ERROR_LINE)}\n`);
  return 1;
}
