/**
 * `gatehouse request list|show|approve|deny` (issue 14): the approver's side of access requests.
 * The approver is the person running the command (ctx.options().person, the one the audit actor
 * names); the store decides under the rules as they are now (core/request-decision.ts) and
 * refuses self-approval, approvers the rule does not name, a second approval by the same person
 * and decided or expired requests.
 */
import type { Command } from 'commander';
import { statusAt, type AccessRequest } from '../core/access-request.js';
import { checkDecisionText } from '../core/decision-input.js';
import { GatehouseError } from '../core/errors.js';
import type { RequestId } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { AUTO_APPROVER, approverJudge } from '../core/request-decision.js';
import type { Config } from '../config/load-config.js';
import { requestSettingsOf } from '../reload/live-settings.js';
import { confirmationMap } from './checklist-options.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { fetchCount, LIMIT_HELP, newest, noteOlder, requireLimit } from './list-limit.js';
import { grantViews } from './grant-view.js';
import { isoTime, printJson, printPairs, printResult, printTable } from './output.js';
import { REQUEST_COLUMNS, requestPairs, requestRow, requestView } from './request-view.js';
import { requireDuration, requireId, requireName, usage } from './validate.js';

/** How many history events `request show` reads (a request has a handful). */
const HISTORY_LIMIT = 1000;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The approver: the person running the command, never the name auto-approvals go under. */
function approverName(ctx: CliContext): string {
  const { person } = ctx.options();
  if (person === AUTO_APPROVER)
    throw new GatehouseError(
      'refused',
      `request: approvals need a person, not the ${AUTO_APPROVER} account: run it through sudo as yourself`,
    );
  return person;
}

/** A note or reason taken as the review page's forms take it: one printable line, trimmed. */
function decisionText(option: string, text: string | undefined, required: boolean): string {
  const checked = checkDecisionText(option, text ?? '', required);
  if (!checked.ok) throw usage(checked.message);
  return checked.value;
}

function judgeOf(config: Config, approver: string) {
  const { policy, maxGrantMs } = requestSettingsOf(config);
  return approverJudge(policy, approver, maxGrantMs);
}

async function grantOf(store: Store, request: AccessRequest, now: number) {
  if (request.grantId === null) return null;
  const grant = await store.grants.get(request.grantId);
  return grant === null ? null : ((await grantViews(store, [grant], now))[0] ?? null);
}

/** What the request store reads at most per list. */
const REQUESTS_READ_AT_MOST = 10_000;

export function register(program: Command, ctx: CliContext): void {
  const request = program
    .command('request')
    .description('access requests: list, show, approve, deny');

  request
    .command('list')
    .description('list requests, newest first')
    .addHelpText(
      'after',
      examples('gatehouse request list --pending', 'gatehouse request list --user alice'),
    )
    .option('--pending', 'only requests waiting for a decision', false)
    .option('--user <name>', "only this user's requests")
    .option('--limit <n>', LIMIT_HELP)
    .action(
      async (opts: {
        readonly pending: boolean;
        readonly user?: string;
        readonly limit?: string;
      }) => {
        const userName =
          opts.user === undefined ? undefined : requireName('user', opts.user, '--user');
        const limit = requireLimit(opts.limit, REQUESTS_READ_AT_MOST - 1);
        const now = ctx.clock.now();
        const requests = await ctx.withStore(async (store) => {
          if (userName !== undefined && (await store.users.findByName(userName)) === null)
            throw new GatehouseError('not_found', `--user: no user named ${userName}`);
          return store.requests.list({
            limit: fetchCount(limit),
            ...(opts.pending ? { status: 'pending' as const } : {}),
            ...(userName === undefined ? {} : { userName }),
          });
        });
        const { rows, more } = newest(requests, limit);
        noteOlder(ctx, more, limit, 'requests');
        const views = rows
          .filter((r) => !opts.pending || statusAt(r, now) === 'pending')
          .map((r) => requestView(r, now));
        if (ctx.options().json) return printJson(ctx, views);
        printTable(
          ctx,
          REQUEST_COLUMNS,
          views.map((v) => requestRow(v, now)),
        );
      },
    );

  request
    .command('show')
    .description('show one request: approvals, decision, grant and its audit history')
    .argument('<id>', 'request id')
    .action(async (idText: string) => {
      const id = requireId('request id', idText) as RequestId;
      const now = ctx.clock.now();
      const shown = await ctx.withStore(async (store) => {
        const found = await store.requests.get(id);
        if (found === null)
          throw new GatehouseError('not_found', `request: no request with id ${id}`);
        const history = await store.audit.list({
          since: found.createdAt,
          requestId: id,
          limit: HISTORY_LIMIT,
        });
        return { request: found, grant: await grantOf(store, found, now), history };
      });
      const view = requestView(shown.request, now);
      if (ctx.options().json)
        return printJson(ctx, { ...view, grant: shown.grant, history: shown.history });
      printPairs(ctx, requestPairs(view, shown.grant, shown.history));
    });

  request
    .command('approve')
    .description('approve a pending request; the last approval needed makes the grant')
    .addHelpText(
      'after',
      examples(
        "gatehouse request approve 7 --note 'ok for the migration'",
        'gatehouse request approve 7 --for 45m',
      ),
    )
    .argument('<id>', 'request id')
    .option('--for <duration>', 'a shorter window than requested: 45m')
    .option('--note <text>', 'why (kept in the audit trail)')
    .option(
      '--confirm <item=note>',
      'a checklist item of the target confirmed, with a note or link (repeat for more)',
      collect,
      [],
    )
    .action(
      async (
        idText: string,
        opts: { readonly for?: string; readonly note?: string; readonly confirm: string[] },
      ) => {
        const id = requireId('request id', idText) as RequestId;
        const durationMs = opts.for === undefined ? null : requireDuration('--for', opts.for);
        const note = decisionText('--note', opts.note, false);
        const confirmations = confirmationMap(opts.confirm, ctx.options().actor);
        const approver = approverName(ctx);
        const now = ctx.clock.now();
        const { done, grant } = await ctx.withStore(async (store, config) => {
          const approved = await store.requests.approve(
            id,
            { approver, note, durationMs, confirmations },
            judgeOf(config, approver),
            now,
            ctx.options().actor,
          );
          return { done: approved, grant: await grantOf(store, approved, now) };
        });
        const view = requestView(done, now);
        printResult(ctx, { ...view, grant }, () =>
          done.status !== 'approved' || grant === null
            ? `request ${id}: approval ${done.approvals.length} of ${done.approvalsRequired} recorded`
            : done.kind === 'extend'
              ? `request ${id} approved by ${approver}: grant ${grant.id} now ends ${isoTime(grant.endsAt)}`
              : `request ${id} approved by ${approver}: grant ${grant.id} for ${done.userName} on ${done.targetName} until ${isoTime(grant.endsAt)}`,
        );
      },
    );

  request
    .command('deny')
    .description('deny a pending request')
    .argument('<id>', 'request id')
    .requiredOption('--reason <text>', 'why (the requester sees it; kept in the audit trail)')
    .action(async (idText: string, opts: { readonly reason: string }) => {
      const id = requireId('request id', idText) as RequestId;
      const reason = decisionText('--reason', opts.reason, true);
      const approver = approverName(ctx);
      const now = ctx.clock.now();
      const denied = await ctx.withStore((store, config) =>
        store.requests.deny(
          id,
          approver,
          reason,
          judgeOf(config, approver),
          now,
          ctx.options().actor,
        ),
      );
      printResult(ctx, requestView(denied, now), () => `request ${id} denied by ${approver}`);
    });
}
