import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import type { Session } from '../core/model.js';
import type { Store } from '../core/ports.js';
import {
  problemText,
  verifyAllSessions,
  verifySessions,
  type SessionVerification,
  type VerifyDeps,
} from '../lifecycle/verify-session.js';
import { loadKeyring } from '../keys/keyring.js';
import type { CliContext } from './context.js';
import { recordingsOf } from './recordings.js';
import { findSession, requireSessionRef, type SessionIdOrPrefix } from './session-ref.js';
import { printJson, printLine, safeText } from './output.js';
import { registerRetention } from './recording-retention.js';
import { usage } from './validate.js';

function textOf(c: SessionVerification): string {
  switch (c.status) {
    case 'ok':
      return `ok ${c.sessionId} ${c.events} events ${c.bytes} bytes`;
    case 'fail':
      return `FAIL ${c.sessionId}: ${problemText(c)}`;
    case 'skipped':
      return `skip ${c.sessionId}: ${c.problem}`;
  }
}

/** ` (1 live skipped, 2 pruned by retention)` after the count of good recordings. */
function skippedText(live: number, pruned: number): string {
  const parts = [
    ...(live > 0 ? [`${live} live skipped`] : []),
    ...(pruned > 0 ? [`${pruned} pruned by retention`] : []),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The `--json` entry of one recording (no sha256: the shape scripts already read). */
function jsonOf(c: SessionVerification) {
  if (c.status !== 'ok') return c;
  return { sessionId: c.sessionId, status: c.status, events: c.events, bytes: c.bytes };
}

/** The one session asked for, refused when it is unknown, ambiguous or still live. */
async function endedSession(store: Store, ref: SessionIdOrPrefix): Promise<Session> {
  const s = await findSession(store, ref, 'recording');
  if (s.endedAt === null)
    throw new GatehouseError(
      'refused',
      `recording: session ${s.id} is live; its recording is sealed when it ends`,
    );
  return s;
}

export function register(program: Command, ctx: CliContext): void {
  const recording = program.command('recording').description('session recordings');

  recording
    .command('verify')
    .description(
      'check recordings against their signed manifest, the session row and the audit chain (with --all, also files no session row names); exit 1 naming the first bad one',
    )
    .argument('[session-id]', 'UUID from `session list`, or its first 8 or more characters')
    .option('--all', 'every ended session', false)
    .action(async (idText: string | undefined, opts: { readonly all: boolean }) => {
      if ((idText === undefined) === !opts.all)
        throw usage('recording verify: give a session id or --all (one of them)');
      const id = idText === undefined ? undefined : requireSessionRef('session id', idText);
      const json = ctx.options().json;
      const checks: SessionVerification[] = [];
      await ctx.withStore(async (store, config) => {
        const deps: VerifyDeps = {
          store,
          recordingsDir: config.recordings.dir,
          recordings: recordingsOf(ctx, config),
          publicKeys: async () =>
            (await loadKeyring(config.ssh.hostKeyPath)).keys.map((k) => k.publicKey),
        };
        const run =
          id === undefined
            ? verifyAllSessions(deps)
            : verifySessions(deps, [await endedSession(store, id)]);
        for await (const check of run) {
          checks.push(check);
          if (!json) printLine(ctx, textOf(check));
        }
      });
      const failed = checks.filter((c) => c.status === 'fail');
      const verified = checks.filter((c) => c.status === 'ok').length;
      const skipped = checks.length - failed.length - verified;
      const pruned = checks.filter((c) => c.status === 'skipped' && c.pruned === true).length;
      if (json)
        printJson(ctx, {
          ok: failed.length === 0,
          verified,
          failed: failed.length,
          skipped,
          recordings: checks.map(jsonOf),
        });
      const [first] = failed;
      if (first !== undefined && first.status === 'fail') {
        const others =
          failed.length > 1
            ? ` (${failed.length} of ${checks.length - skipped} recordings failed)`
            : '';
        throw new GatehouseError(
          'refused',
          safeText(`recording: ${first.sessionId} failed verification: ${first.problem}${others}`),
        );
      }
      if (id === undefined && !json)
        printLine(ctx, `ok ${verified} recordings${skippedText(skipped - pruned, pruned)}`);
    });

  registerRetention(recording, ctx);
}
