import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import type { Target } from '../core/model.js';
import { parseEnvEntry, splitCommandLine } from '../core/command-target.js';
import type { NewTarget, Store } from '../core/ports.js';
import { resolveProgram } from '../doctor/program-file.js';
import { parsePublicKey } from '../keys/public-key.js';
import { scanHostKey } from '../keys/scan-host-key.js';
import { forbiddenIdsFor, usableRunAsAccount } from '../targets/host-account.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { checklistOption, requiresText } from './checklist-options.js';
import { destination, NO_RUN_AS, targetPairs, targetView } from './target-view.js';
import { isoTime, printJson, printLine, printPairs, printResult, printTable } from './output.js';
import {
  requireHost,
  requireKeyText,
  requireLogin,
  requireName,
  requirePort,
  usage,
} from './validate.js';

interface AddOptions {
  readonly host?: string;
  readonly port?: string;
  readonly login?: string;
  readonly hostKey?: string;
  readonly command?: string;
  readonly env: string[];
  readonly runAs?: string;
  readonly require?: string[] | false;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function mustFind(store: Store, name: string): Promise<Target> {
  const target = await store.targets.findByName(name);
  if (target === null) throw new GatehouseError('not_found', `target: no target named ${name}`);
  return target;
}

const SCAN_TIMEOUT_MS = 10_000;

/**
 * `--run-as`: an existing account that is neither root nor the service's (the owner of the
 * database); the same check every session start makes.
 */
async function requireRunAs(ctx: CliContext, runAs: string | undefined): Promise<string> {
  if (runAs === undefined)
    throw usage(
      '--run-as: required with --command (an unprivileged account of this host the program runs as)',
    );
  const config = await ctx.loadConfig();
  const found = await usableRunAsAccount(runAs, await forbiddenIdsFor(config.database.path));
  if (!found.ok) throw new GatehouseError('refused', `--run-as: ${found.message}`);
  return found.account.name;
}

/** `--command` and `--env` → a command target; the program resolved to an absolute, executable path. */
async function commandTarget(
  ctx: CliContext,
  name: string,
  opts: AddOptions,
  command: string,
): Promise<NewTarget> {
  const clash = (['host', 'port', 'login', 'hostKey'] as const).find((k) => opts[k] !== undefined);
  if (clash !== undefined) {
    throw usage(
      `--command: not with --${clash === 'hostKey' ? 'host-key' : clash} (a command target runs on the bastion)`,
    );
  }
  const split = splitCommandLine(command);
  if (!split.ok) throw usage(split.message);
  const env: Record<string, string> = {};
  for (const entry of opts.env) {
    const parsed = parseEnvEntry(entry);
    if (!parsed.ok) throw usage(parsed.message);
    if (Object.hasOwn(env, parsed.key)) throw usage(`--env: ${parsed.key} given twice`);
    env[parsed.key] = parsed.value;
  }
  const [program, ...args] = split.argv;
  const resolved = await resolveProgram(program ?? '', process.env.PATH);
  if (!resolved.ok) throw new GatehouseError('invalid', `--command: ${resolved.message}`);
  const runAs = await requireRunAs(ctx, opts.runAs);
  return { kind: 'command', name, command: [resolved.path, ...args], env, runAs };
}

function sshTarget(name: string, opts: AddOptions): NewTarget {
  if (opts.env.length > 0) throw usage('--env: only with --command');
  if (opts.runAs !== undefined) throw usage('--run-as: only with --command');
  if (opts.host === undefined)
    throw usage('--host: required (or --command for a program on the bastion)');
  if (opts.login === undefined) throw usage('--login: required with --host');
  return {
    name,
    host: requireHost('--host', opts.host),
    port: requirePort('--port', opts.port ?? '22'),
    login: requireLogin('--login', opts.login),
    hostKey: opts.hostKey === undefined ? null : requireKeyText('--host-key', opts.hostKey).line,
  };
}

export function register(program: Command, ctx: CliContext): void {
  const target = program
    .command('target')
    .description('hosts reachable through the bastion, or programs run on it');

  const add = target
    .command('add')
    .description('register a target (--host … or --command …); prints its id')
    .addHelpText(
      'after',
      examples(
        'gatehouse target add db1 --host 10.0.0.5 --login ops',
        "gatehouse target add psql-prod --command 'psql -h db1 app'",
      ),
    )
    .argument('<name>', 'target name: ^[a-z][a-z0-9._-]{0,63}$')
    .option('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port (default 22)')
    .option('--login <user>', 'account on the target the bastion logs in as')
    .option(
      '--host-key <line>',
      "the target's host key 'alg base64' (or pin later with `target scan --pin`)",
    )
    .option(
      '--command <argv>',
      "a program run on the bastion in a pty: 'prog arg …' split on single spaces, no shell, no quoting",
    )
    .option(
      '--env <KEY=VALUE>',
      'with --command: an environment variable for the program (repeat for more)',
      collect,
      [],
    )
    .option(
      '--run-as <user>',
      'with --command (required): the unprivileged account of this host the program runs as',
    );
  const addRequires = checklistOption(add, false);
  add.action(async (name: string, opts: AddOptions) => {
    requireName('target', name);
    const requires = addRequires(opts) ?? [];
    const kind =
      opts.command === undefined
        ? sshTarget(name, opts)
        : await commandTarget(ctx, name, opts, opts.command);
    const spec = { ...kind, requires };
    const created = await ctx.withStore(async (store) =>
      targetView(await store.targets.add(spec, ctx.options().actor)),
    );
    printResult(ctx, created, () => String(created.id));
  });

  target
    .command('list')
    .description('list targets')
    .action(async () => {
      const views = await ctx.withStore(async (store) =>
        (await store.targets.list()).map(targetView),
      );
      if (ctx.options().json) return printJson(ctx, views);
      printTable(
        ctx,
        ['ID', 'NAME', 'KIND', 'DESTINATION', 'HOST KEY', 'RUN AS', 'CREATED', 'REQUIRES'],
        views.map((t) => [
          String(t.id),
          t.name,
          t.kind,
          destination(t),
          t.kind === 'command' ? '-' : (t.hostKeyFingerprint ?? 'not pinned'),
          t.kind === 'command' ? (t.runAs ?? NO_RUN_AS) : '-',
          isoTime(t.createdAt),
          requiresText(t.requires),
        ]),
      );
    });

  target
    .command('show')
    .description('show one target')
    .argument('<name>')
    .action(async (name: string) => {
      requireName('target', name);
      const view = targetView(await ctx.withStore(async (store) => mustFind(store, name)));
      if (ctx.options().json) return printJson(ctx, view);
      printPairs(ctx, targetPairs(view));
    });

  const set = target
    .command('set')
    .description(
      "change a target: a command target's run-as account, or the checklist grants to it confirm",
    )
    .argument('<name>')
    .option('--run-as <user>', 'the unprivileged account of this host the program runs as');
  const setRequires = checklistOption(set, true);
  set.action(
    async (name: string, opts: { readonly runAs?: string; require?: string[] | false }) => {
      requireName('target', name);
      const requires = setRequires(opts);
      if (requires !== undefined && opts.runAs !== undefined)
        throw usage('--run-as, --require: change one thing at a time');
      if (requires !== undefined) {
        const updated = await ctx.withStore(async (store) =>
          targetView(await store.targets.setRequires(name, requires, ctx.options().actor)),
        );
        return printResult(ctx, updated, () =>
          requires.length === 0
            ? `${name} requires no checklist`
            : `${name} requires ${requiresText(requires)}`,
        );
      }
      if (opts.runAs === undefined)
        throw usage('--run-as, --require or --no-require: say what to change');
      const runAs = await requireRunAs(ctx, opts.runAs);
      const updated = await ctx.withStore(async (store) =>
        targetView(await store.targets.setRunAs(name, runAs, ctx.options().actor)),
      );
      printResult(ctx, updated, () => `${name} runs as ${runAs}`);
    },
  );

  target
    .command('remove')
    .description('remove a target (refused while it has current or future grants)')
    .argument('<name>')
    .action(async (name: string) => {
      requireName('target', name);
      await ctx.withStore(async (store) => {
        await mustFind(store, name);
        await store.targets.remove(name, ctx.options().actor);
      });
      if (ctx.options().json) printJson(ctx, { target: name, removed: true });
      else printLine(ctx, `removed ${name}`);
    });

  target
    .command('scan')
    .description("fetch and show the target's host key; pin it only with --pin")
    .argument('<name>')
    .option('--pin', 'pin the scanned key', false)
    .option('--replace', 'with --pin: replace a different pinned key', false)
    .action(async (name: string, opts: { readonly pin: boolean; readonly replace: boolean }) => {
      requireName('target', name);
      const found = await ctx.withStore(async (store) => mustFind(store, name));
      if (found.kind === 'command')
        throw new GatehouseError(
          'refused',
          `target ${name}: runs a program on the bastion; there is no host key to scan`,
        );
      const scan = await scanHostKey(found.host, found.port, SCAN_TIMEOUT_MS);
      if (!scan.ok) throw new GatehouseError('refused', `target ${name}: ${scan.message}`);
      const key = scan.key;
      const previous = found.hostKey === null ? null : parsePublicKey(found.hostKey);
      const previousFingerprint = previous?.ok ? previous.key.fingerprint : null;
      const changed = found.hostKey !== null && found.hostKey !== key.line;
      if (opts.pin && changed && !opts.replace) {
        throw new GatehouseError(
          'refused',
          `target ${name}: host key differs from the pinned one: pinned ${previousFingerprint ?? found.hostKey}, scanned ${key.fingerprint}; check why, then use --pin --replace`,
        );
      }
      let pinned = found.hostKey === key.line;
      if (opts.pin && !pinned) {
        // Re-read inside the pin: a concurrent scan must not silently win over another's key.
        await ctx.withStore(async (store) => {
          const now = await mustFind(store, name);
          if (now.kind === 'command' || now.hostKey !== found.hostKey) {
            throw new GatehouseError(
              'conflict',
              `target ${name}: the pinned key changed while scanning; scan again`,
            );
          }
          await store.targets.pinHostKey(name, key.line, ctx.options().actor);
        });
        pinned = true;
      }
      const result = {
        target: name,
        host: found.host,
        port: found.port,
        hostKey: key.line,
        fingerprint: key.fingerprint,
        pinned,
        changed,
        previousFingerprint,
      };
      if (ctx.options().json) return printJson(ctx, result);
      printLine(ctx, key.line);
      printLine(ctx, key.fingerprint);
      if (changed && !pinned)
        printLine(
          ctx,
          `DIFFERS from the pinned key ${previousFingerprint ?? '?'}; pin with --pin --replace only if you know why it changed`,
        );
      else if (changed) printLine(ctx, `pinned (replaced ${previousFingerprint ?? '?'})`);
      else if (pinned && opts.pin && found.hostKey === null) printLine(ctx, 'pinned');
      else if (pinned) printLine(ctx, 'matches the pinned key');
      else printLine(ctx, 'not pinned; use --pin to pin it');
    });
}
