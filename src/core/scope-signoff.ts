/**
 * Scope sign-off (issue 14): at first use of a grant the user agrees to its NDA together with its
 * scope: target, mode or allowlist, file transfer rights, window, reason, approvers. What decides
 * whether two grants have the *same scope* (so the second is not asked again) is the hash input
 * below: the NDA's identity, the target, the mode, the allowlist, the transfer rights and the
 * reason. The window and the approvers are
 * shown and recorded in the nda.acknowledge event, but a later grant for the same work in another
 * window (or approved by someone else) is the same scope.
 */
import { canonicalJson } from './canonical-json.js';
import type { EpochMs, GrantId, GrantMode, Nda, NdaId, TargetId } from './model.js';
import type { TransferRights } from './transfer-rights.js';

export interface SignoffScope {
  readonly grantId: GrantId;
  readonly nda: {
    readonly id: NdaId;
    readonly title: string;
    readonly ref: string;
    readonly signedAt: EpochMs;
    readonly documentSha256: string | null;
  };
  readonly target: { readonly id: TargetId; readonly name: string };
  readonly mode: GrantMode;
  readonly allowlist: readonly string[];
  /** What the grant lets the user move through SFTP (issue 16). */
  readonly transfer: TransferRights;
  readonly startsAt: EpochMs;
  readonly endsAt: EpochMs;
  readonly reason: string;
  /** The request's approvers (request_approvals), or for an admin's grant the admin who made it. */
  readonly approvers: readonly string[];
  readonly fromRequest: boolean;
}

/** What an NDA acknowledgement needs before asking: carried over from an earlier one, or due. */
export type NdaSignoff =
  { readonly carried: true } | { readonly carried: false; readonly scope: SignoffScope };

export const ndaIdentity = (nda: Nda): SignoffScope['nda'] => ({
  id: nda.id,
  title: nda.title,
  ref: nda.ref,
  signedAt: nda.signedAt,
  documentSha256: nda.documentSha256,
});

/**
 * The text whose hex sha256 is the acknowledgement's `scopeSha256`: the canonical JSON
 * (core/canonical-json.ts) of
 * `{"v":1,"nda":{"id","title","ref","signedAt","documentSha256"},"target":{"id","name"},
 * "mode","allowlist" (sorted),"reason"}`, with `"transfer":{"direction","paths" (sorted),
 * "budgetBytes"}` when the grant allows file transfer. Equal text is the same scope; a grant
 * without transfer rights keeps the hash it had before issue 16.
 */
export function scopeHashInput(scope: SignoffScope): string {
  const { transfer } = scope;
  return canonicalJson({
    v: 1,
    nda: { ...scope.nda },
    target: { ...scope.target },
    mode: scope.mode,
    allowlist: [...scope.allowlist].sort(),
    reason: scope.reason,
    ...(transfer.direction === 'none'
      ? {}
      : {
          transfer: {
            direction: transfer.direction,
            paths: [...transfer.paths].sort(),
            budgetBytes: transfer.budgetBytes,
          },
        }),
  });
}
