/**
 * `gatehouse demo` (`npm run demo`): from zero to a recorded session. Creates or reuses a demo
 * folder (config, keys, database), seeds a contractor with an NDA, two command targets and their
 * grants, and a reviewer; then runs the bastion and the review page on loopback in the
 * foreground and prints exactly what to type.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { loginLinkUrl, reviewPageOrigin } from '../core/review-links.js';
import { ensureKeyPair } from '../keys/key-files.js';
import { parsePublicKey } from '../keys/public-key.js';
import { serveUntilSignal } from '../main.js';
import { prepareDemoFolder } from '../quickstart/demo-folder.js';
import { ensureDemoReviewer } from '../quickstart/demo-reviewer.js';
import { DEMO_REVIEWER, seedDemo } from '../quickstart/demo-seed.js';
import { demoInstructions, type DemoInfo } from '../quickstart/instructions.js';
import { chooseSandboxProgram } from '../quickstart/sandbox-program.js';
import { openStore } from '../store/open-store.js';
import type { CliContext } from './context.js';
import { printJson, printLine } from './output.js';
import { requirePort, usage } from './validate.js';

const DEFAULT_SSH_PORT = 2222;
const DEFAULT_WEB_PORT = 8080;

/** `p` as typed from the working directory: relative when inside it, absolute otherwise; quoted when needed. */
function typed(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  const shown = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  return /^[A-Za-z0-9_./+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, "'\\''")}'`;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'the current user';
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'create (or reuse) a demo folder with a user, NDA, targets and grants, then serve it on loopback',
    )
    .option('--dir <folder>', 'the demo folder', 'demo')
    .option(
      '--ssh-port <port>',
      `ssh port on 127.0.0.1 (default ${DEFAULT_SSH_PORT}, or the demo config's)`,
    )
    .option(
      '--web-port <port>',
      `review page port on 127.0.0.1 (default ${DEFAULT_WEB_PORT}, or the demo config's)`,
    )
    .action(
      async (opts: {
        readonly dir: string;
        readonly sshPort?: string;
        readonly webPort?: string;
      }) => {
        if (ctx.options().config !== undefined)
          throw usage('demo: --config: the demo uses its own config (DIR/gatehouse.yaml)');
        const sshPort =
          opts.sshPort === undefined ? undefined : requirePort('--ssh-port', opts.sshPort);
        const webPort =
          opts.webPort === undefined ? undefined : requirePort('--web-port', opts.webPort);
        const cwd = process.cwd();
        const dir = path.resolve(cwd, opts.dir);
        const folder = await prepareDemoFolder(dir, {
          ssh: sshPort ?? DEFAULT_SSH_PORT,
          web: webPort ?? DEFAULT_WEB_PORT,
        });
        const config = await loadConfig(folder.configPath, process.env, cwd);
        const hostKey = await ensureKeyPair(config.ssh.hostKeyPath);
        const hostKeyParsed = parsePublicKey(hostKey.publicLine);
        const uid = typeof process.getuid === 'function' ? process.getuid() : null;
        const sandbox = await chooseSandboxProgram(uid, osUser());
        const actor = ctx.options().actor;
        const now = ctx.clock.now();

        const store = await openStore(config.database.path, {
          clock: ctx.clock,
          node: config.node.name,
        });
        let seeded;
        let reviewer;
        try {
          seeded = await seedDemo(store, {
            userPublicLine: folder.userPublicLine,
            sandbox: { command: sandbox.argv, env: sandbox.env, runAs: sandbox.runsAs },
            tools: { command: sandbox.toolsArgv, env: sandbox.toolsEnv, runAs: sandbox.runsAs },
            maxDurationMs: config.grants.maxDurationMs,
            now,
            actor,
          });
          reviewer = await ensureDemoReviewer(store, dir, DEMO_REVIEWER, now, actor);
        } finally {
          await store.close();
        }

        const bin = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));
        const overrides = {
          ...(sshPort === undefined ? {} : { port: sshPort }),
          ...(webPort === undefined ? {} : { webPort }),
        };
        await serveUntilSignal(
          config,
          (running) => {
            const origin =
              running.web === null ? null : reviewPageOrigin(config.web.publicUrl, running.web);
            const webUrl = origin === null ? null : `${origin}/`;
            const info: DemoInfo = {
              folder: typed(dir, cwd),
              keyPath: typed(folder.userKeyPath, cwd),
              configPath: typed(folder.configPath, cwd),
              cli: `node ${typed(bin, cwd)}`,
              sshHost: running.host,
              sshPort: running.port,
              webUrl,
              hostKeyFingerprint: hostKeyParsed.ok ? hostKeyParsed.key.fingerprint : '(unknown)',
              sandboxRunsAs: sandbox.runsAs,
              sandboxNote: sandbox.note,
              grantsUntil: Math.min(seeded.sandboxGrant.endsAt, seeded.toolsGrant.endsAt),
              reviewer: {
                name: reviewer.name,
                password: reviewer.password,
                linkUrl: origin === null ? null : loginLinkUrl(origin, reviewer.linkToken),
              },
              reused: !folder.created,
              created: seeded.created,
              requests: config.requests.rules.length > 0,
            };
            if (ctx.options().json) printJson(ctx, { ...info });
            else ctx.io.stdout(demoInstructions(info));
          },
          overrides,
        );
        printLine(ctx, 'gatehouse demo stopped');
      },
    );
}
