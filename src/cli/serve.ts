import type { Command } from 'commander';
import { serveUntilSignal } from '../main.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { printLine } from './output.js';

/** `gatehouse serve`: the ssh listener until SIGTERM (drains live sessions, exits 0). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the SSH bastion (and the review web page when web.listen is set)')
    .addHelpText('after', examples('gatehouse --config /etc/gatehouse/gatehouse.yaml serve'))
    .action(async () => {
      const config = await ctx.loadConfig();
      await serveUntilSignal(config, (running) => {
        const web =
          running.web === null ? null : { host: running.web.host, port: running.web.port };
        if (ctx.options().json) {
          const publicUrl = config.web.publicUrl;
          printLine(
            ctx,
            JSON.stringify({
              listening: { host: running.host, port: running.port },
              web,
              publicUrl,
            }),
          );
          return;
        }
        printLine(ctx, `listening on ${running.host}:${running.port}`);
        if (web === null) return;
        // Where it listens, and the address readers are given (web.publicUrl) when they differ.
        const readers = config.web.publicUrl === null ? '' : ` (readers: ${config.web.publicUrl}/)`;
        printLine(ctx, `review page on http://${web.host}:${web.port}/${readers}`);
      });
    });
}
