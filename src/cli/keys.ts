import type { Command } from 'commander';
import { ensureKeyPair } from '../keys/key-files.js';
import { parsePublicKey } from '../keys/public-key.js';
import type { CliContext } from './context.js';
import { printJson, printLine } from './output.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('keys')
    .description(
      "print the bastion's public key line for the targets' authorized_keys (generated on first use)",
    )
    .action(async () => {
      const config = await ctx.loadConfig();
      const pair = await ensureKeyPair(config.ssh.clientKeyPath);
      const parsed = parsePublicKey(pair.publicLine);
      const fingerprint = parsed.ok ? parsed.key.fingerprint : null;
      if (ctx.options().json) {
        printJson(ctx, {
          publicKey: pair.publicLine,
          fingerprint,
          path: `${config.ssh.clientKeyPath}.pub`,
          created: pair.created,
        });
      } else {
        printLine(ctx, `${pair.publicLine} gatehouse`);
      }
    });
}
