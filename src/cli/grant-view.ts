/** How `grant` commands (and `request show`, for the grant a request made) present a grant. */
import { formatDuration } from '../core/duration.js';
import { grantState, type GrantState } from '../core/grant-state.js';
import type { Grant } from '../core/model.js';
import type { Store } from '../core/ports.js';
import { formatByteSize } from '../core/byte-size.js';
import { transferLeft } from '../core/transfer-text.js';
import { confirmationRows } from './checklist-options.js';
import { isoTime } from './output.js';

export type GrantView = Grant & {
  readonly user: string | null;
  readonly target: string | null;
  readonly state: GrantState;
  /** `grant show`: bytes taken from the transfer budget, and what is left (null: no budget). */
  readonly transferUsedBytes?: number;
  readonly transferLeftBytes?: number | null;
};

/** A grant as shown: the domain object plus user/target names and its state now. */
export async function grantViews(
  store: Store,
  grants: readonly Grant[],
  now: number,
): Promise<GrantView[]> {
  const users = new Map((await store.users.list()).map((u) => [u.id as number, u.name]));
  const targets = new Map((await store.targets.list()).map((t) => [t.id as number, t.name]));
  return grants.map((g) => ({
    ...g,
    user: users.get(g.userId) ?? null,
    target: targets.get(g.targetId) ?? null,
    state: grantState(g, now),
  }));
}

/** The view with the bytes its transfers used so far (`grant show`). */
export async function withTransferUsage(store: Store, view: GrantView): Promise<GrantView> {
  const used = await store.grants.transferUsed(view.id);
  return { ...view, transferUsedBytes: used, transferLeftBytes: transferLeft(view.transfer, used) };
}

function transferRows(view: GrantView): (readonly [string, string])[] {
  const { transfer } = view;
  if (transfer.direction === 'none') return [['transfer', 'none']];
  const used = view.transferUsedBytes;
  const budget =
    transfer.budgetBytes === null
      ? 'none'
      : formatByteSize(transfer.budgetBytes) +
        (used === undefined
          ? ''
          : `, used ${formatByteSize(used)}, ${formatByteSize(view.transferLeftBytes ?? 0)} left`);
  return [
    ['transfer', transfer.direction],
    ...(transfer.paths.length === 0
      ? [['transfer path', 'any path'] as const]
      : transfer.paths.map((p) => ['transfer path', p] as const)),
    ['transfer budget', budget],
  ];
}

const acknowledgedText = (g: Grant): string =>
  g.ndaAcknowledgedAt === null
    ? '-'
    : `${isoTime(g.ndaAcknowledgedAt)}` +
      (g.ndaCarriedFrom === null ? '' : ` (carried over from grant ${g.ndaCarriedFrom})`);

/** `grant show`: a grant's facts, one per line. */
export function grantPairs(view: GrantView): (readonly [string, string])[] {
  return [
    ['id', String(view.id)],
    ['user', view.user ?? '?'],
    ['target', view.target ?? '?'],
    ['nda', String(view.ndaId)],
    ['state', view.state],
    ['starts', isoTime(view.startsAt)],
    ['ends', isoTime(view.endsAt)],
    ['length', formatDuration(view.endsAt - view.startsAt)],
    ['mode', view.mode],
    ...view.allowlist.map((p) => ['allow', p] as const),
    ...transferRows(view),
    ['reason', view.reason],
    ...confirmationRows(view.confirmations),
    ['created', `${isoTime(view.createdAt)} by ${view.createdBy}`],
    ...(view.requestId === null ? [] : [['request', String(view.requestId)] as const]),
    ['nda acknowledged', acknowledgedText(view)],
    ...(view.revokedAt === null
      ? []
      : [['revoked', `${isoTime(view.revokedAt)}: ${view.revokeReason ?? ''}`] as const]),
  ];
}
