/** Runs `gatehouse reviewer …` in-process against a web fixture's store, as cli/main.ts does. */
import { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { register } from '../../src/cli/reviewer.js';
import type { Config } from '../../src/config/load-config.js';
import { systemClock } from '../../src/core/clock.js';
import { isGatehouseError } from '../../src/core/errors.js';
import type { WebFixture } from './web-fixture.js';

export interface ReviewerCliOptions {
  readonly json?: boolean;
  /** The config's web.publicUrl (default: none). */
  readonly publicUrl?: string;
}

/** stdout, and the error as `code: message` (null when the command succeeded). */
export async function reviewerCli(
  fx: WebFixture,
  args: readonly string[],
  options: ReviewerCliOptions = {},
): Promise<{ stdout: string; error: string | null }> {
  let stdout = '';
  const web = {
    listen: { host: '127.0.0.1', port: fx.server.port },
    publicUrl: options.publicUrl ?? null,
  };
  const config = { web } as Config;
  const ctx: CliContext = {
    io: { stdout: (t) => void (stdout += t), stderr: () => undefined },
    options: () => ({ json: options.json === true, actor: 'admin', person: 'admin' }),
    loadConfig: async () => config,
    withStore: (fn) => fn(fx.store, config),
    clock: systemClock,
  };
  const program = new Command('gatehouse').exitOverride();
  register(program, ctx);
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const leaf of sub.commands)
      leaf.exitOverride().configureOutput({ writeErr: () => undefined });
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { stdout, error: null };
  } catch (e) {
    return { stdout, error: isGatehouseError(e) ? `${e.code}: ${e.userMessage}` : String(e) };
  }
}
