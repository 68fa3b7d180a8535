/**
 * What `request TARGET` and `request extend GRANT` share: the rules decide at once (a refusal is
 * audited as request.refused), then the request is filed (approved at once under an
 * auto-approving rule), then reported, or waited for with `--wait`.
 */
import { statusAt, type AccessRequest } from '../../core/access-request.js';
import type { GrantId } from '../../core/model.js';
import type { NewRequest } from '../../core/ports.js';
import { refuse, type Refusal } from '../../core/refusal.js';
import {
  AUTO_APPROVER,
  autoJudge,
  planFiling,
  type Filing,
  type FilingShape,
} from '../../core/request-decision.js';
import { refused, reply, replyJson, type CommandContext, type Reply } from './command-context.js';
import { requestJson, requestLine } from './format.js';
import { isDeskRefusal } from './request-desk.js';
import { waitForDecision } from './wait-decision.js';

export type Plan = Extract<Filing, { ok: true }>;

/** The rule that allows the request now, or the refusal saying why none does. */
export function planRequest(
  ctx: CommandContext,
  shape: Omit<FilingShape, 'user'>,
  grantId: GrantId | null,
): Plan | Refusal {
  const plan = planFiling(
    ctx.settings.policy,
    { ...shape, user: ctx.to.userName },
    ctx.clock.now(),
  );
  if (plan.ok) return plan;
  const asked = { kind: shape.kind, target: shape.target, grantId };
  return refuse.request(asked, plan.message, `gatehouse: ${plan.message}`);
}

export type Filed = Omit<NewRequest, 'rule' | 'approvalsRequired' | 'expiresAt'>;

/** Files the request under `plan`'s rule; the reply is where it stands (decided with `--wait`). */
export async function submitRequest(
  ctx: CommandContext,
  request: Filed,
  plan: Plan,
  options: { readonly wait: boolean; readonly json: boolean },
): Promise<Reply | Refusal> {
  const autoApproval = plan.autoApprove
    ? {
        input: {
          approver: AUTO_APPROVER,
          note: `auto-approved by rule ${plan.rule.name}`,
          durationMs: null,
          confirmations: {},
        },
        judge: autoJudge(plan.rule, ctx.settings.maxGrantMs),
      }
    : null;
  const filed = await ctx.desk.file(
    {
      ...request,
      rule: plan.rule.name,
      approvalsRequired: plan.rule.approvals,
      expiresAt: plan.expiresAt,
    },
    autoApproval,
    ctx.clock.now(),
    ctx.actor,
  );
  if (isDeskRefusal(filed)) return refused(filed.refused);
  if (!options.wait) return report(ctx, filed, options.json, 0);
  if (statusAt(filed, ctx.clock.now()) === 'pending')
    ctx.note(`gatehouse: ${requestLine(filed, ctx.clock.now(), ctx.to)}; waiting for a decision`);
  const decided = await waitForDecision(ctx, filed);
  if (decided === null)
    return refused(
      `stopped waiting; request ${filed.id} is still pending (ssh ${ctx.to.userName}@${ctx.to.hostLabel} requests)`,
    );
  const approved = statusAt(decided, ctx.clock.now()) === 'approved';
  return report(ctx, decided, options.json, approved ? 0 : 1);
}

/** A request as printed: one line, or one JSON document. */
export function report(
  ctx: CommandContext,
  request: AccessRequest,
  json: boolean,
  exitStatus: number,
): Reply {
  const now = ctx.clock.now();
  return json
    ? replyJson(requestJson(request, now, ctx.to), exitStatus)
    : reply([requestLine(request, now, ctx.to)], exitStatus);
}
