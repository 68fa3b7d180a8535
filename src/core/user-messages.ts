import { formatByteSize } from './byte-size.js';
import { formatDuration, formatTimeLeft } from './duration.js';
import type { EpochMs, Grant, Nda, Target } from './model.js';
import type { SignoffScope } from './scope-signoff.js';
import { formatTimestamp } from './timestamp.js';
import type { TransferRights } from './transfer-rights.js';
import { escapeUnprintable as shown } from './untrusted-text.js';

/** Everything gatehouse says to an ssh user, in one place. Each message is one line. */

/** How a user asks for access (gatehouse's own commands, issue 14). */
export const askForAccess = (user: string, host: string): string =>
  `ssh ${user}@${host} request TARGET --for 2h --reason "…"`;

const date = (t: EpochMs): string => new Date(t).toISOString().slice(0, 10);

export const messages = {
  sessionBanner: (grant: Grant, now: EpochMs): string =>
    `gatehouse: this session is recorded; grant #${grant.id}, ${formatTimeLeft(grant.endsAt - now)} left`,
  ndaNotice: (nda: Nda): string =>
    `gatehouse: access under NDA ${nda.ref} ("${nda.title}"), acknowledged`,
  expiryWarning: (grant: Grant, leftMs: number): string =>
    `gatehouse: grant #${grant.id} ends in ${formatTimeLeft(leftMs)}; save your work`,
  closedExpired: (grant: Grant): string =>
    `gatehouse: grant #${grant.id} has expired; session closed`,
  closedRevoked: (grant: Grant): string =>
    `gatehouse: grant #${grant.id} is no longer valid; session closed`,
  /** The reason was checked as one printable line when it was given (core/kill-reason.ts). */
  closedKilled: (reason: string | null): string =>
    reason === null
      ? 'gatehouse: session ended by an administrator'
      : `gatehouse: session ended by an administrator: "${reason}"`,
  /** `rule` is a config `alerts` rule's name (the operator's words, a checked name). */
  commandRefusedByAlert: (rule: string): string =>
    `gatehouse: this command is not allowed (alert rule ${rule}); session closed and reported`,
  closedByAlert: (rule: string): string =>
    `gatehouse: session closed by alert rule ${rule}; reported`,
  closedUncheckable: (): string => 'gatehouse: the grant could not be re-checked; session closed',
  closedShutdown: (): string => 'gatehouse: the bastion is shutting down; session closed',
  drainNotice: (seconds: number): string =>
    `gatehouse: the bastion is shutting down; this session will be closed within ${seconds}s`,
  idleTimeout: (): string => 'gatehouse: idle timeout; connection closed',
  accessDenied: (): string => 'gatehouse: access denied',
  recordingRefused: (): string =>
    'gatehouse: this session cannot be recorded right now; access refused',
  recordingStoreDown: (): string =>
    'gatehouse: recordings cannot be stored right now (the recording store is down); access refused',
  recordingFailed: (): string => 'gatehouse: the session recording failed; session closed',
  recordingLimitReached: (): string =>
    'gatehouse: the session recording reached its size limit; session closed',
  targetUnavailable: (): string =>
    'gatehouse: the target is not reachable right now; try again later',
  hostKeyChanged: (target: Target): string =>
    `gatehouse: the host key of ${target.name} does not match the pinned key; session refused and reported`,
  commandTargetUnusable: (target: string): string =>
    `gatehouse: target ${target} cannot run its program safely on this bastion; session refused and reported to the administrators`,
  commandTargetFixedProgram: (target: string): string =>
    `gatehouse: target ${target} runs a fixed program; connect without a command`,
  legacyTransferRefused: (): string =>
    'gatehouse: legacy scp (-O) and rsync are not relayed; use sftp, or scp without -O',
  transferNotGranted: (): string =>
    'gatehouse: this grant allows no file transfer (ask for one with --transfer)',
  transferOnCommandTarget: (target: string): string =>
    `gatehouse: target ${target} runs a fixed program; it offers no file transfer`,
  transferNeedsTarget: (user: string, host: string): string =>
    `gatehouse: file transfer needs a target: sftp ${user}+TARGET@${host}`,
  noPtyChoice: (): string =>
    'gatehouse: several grants are active; name the target as USER+TARGET, or log in with a terminal (ssh -t) to choose',
  noActiveGrant: (user: string, host: string): string =>
    `gatehouse: you have no active grant; ask for one with  ${askForAccess(user, host)}  (see  ssh ${user}@${host} help)`,
  ndaRequiredBatch: (login: string, host: string): string =>
    `gatehouse: this grant's NDA must be acknowledged before first use; without a terminal, run  ssh -t ${login}@${host}  once and type I agree`,
};

const TRANSFER_WORDS = {
  download: 'download files from the target (sftp, scp)',
  upload: 'upload files to the target (sftp, scp)',
  both: 'download and upload files (sftp, scp)',
} as const;

/** The scope's file transfer rights; nothing for a grant without them. */
function transferLines(transfer: TransferRights): string[] {
  if (transfer.direction === 'none') return [];
  const words = TRANSFER_WORDS[transfer.direction];
  return [
    ...(transfer.paths.length === 0
      ? [`  Transfer:  ${words}, any path`]
      : [`  Transfer:  ${words}, only:`, ...transfer.paths.map((p) => `    ${shown(p)}`)]),
    ...(transfer.budgetBytes === null
      ? []
      : [`  Budget:    ${formatByteSize(transfer.budgetBytes)} moved in all`]),
  ];
}

/**
 * Multi-line NDA and scope text for the keyboard-interactive instructions or the in-session
 * prompt: what the user signs off (core/scope-signoff.ts). A reason or pattern may come from a
 * user's request: shown escaped, never able to drive a terminal.
 */
export function ndaText(scope: SignoffScope): string {
  const { nda } = scope;
  const mode =
    scope.mode === 'shell'
      ? ['  Mode:      shell (any command)']
      : ['  Mode:      only these commands:', ...scope.allowlist.map((p) => `    ${shown(p)}`)];
  return [
    `Access to ${scope.target.name} under grant #${scope.grantId} is bound to this NDA:`,
    `  Title:     ${shown(nda.title)}`,
    `  Reference: ${shown(nda.ref)}`,
    `  Signed:    ${date(nda.signedAt)}`,
    `  Document:  sha256 ${nda.documentSha256 ?? '(none on file)'}`,
    'and limited to this scope:',
    `  Target:    ${scope.target.name}`,
    ...mode,
    ...transferLines(scope.transfer),
    `  Window:    ${formatTimestamp(scope.startsAt)} to ${formatTimestamp(scope.endsAt)} (${formatDuration(scope.endsAt - scope.startsAt)})`,
    `  Reason:    ${shown(scope.reason)}`,
    `  ${(scope.fromRequest ? 'Approved:' : 'Granted:').padEnd(11)}by ${scope.approvers.map(shown).join(', ') || '-'}`,
    'Type  I agree  to acknowledge both (this is recorded).',
  ].join('\n');
}

export const NDA_PROMPT = 'Type "I agree" to continue: ';
export const NDA_AGREEMENT = 'I agree';
