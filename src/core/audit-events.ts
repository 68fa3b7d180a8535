/**
 * The audit event vocabulary (DESIGN.md §3): one dotted type per event, each with its typed
 * payload (audit-payloads.ts), built only through `auditEvents`. docs/audit-events.md is
 * generated from this map (npm run docs:events).
 */
import type * as P from './audit-payloads.js';

/** Every event type and its payload, in the order of the generated reference. */
export interface AuditPayloads {
  /** An admin added a user with its first key. */
  'user.create': P.UserKeyChange;
  /** An admin disabled a user: no new logins. */
  'user.disable': P.UserChange;
  /** An admin enabled a disabled user again. */
  'user.enable': P.UserChange;
  /** An admin added a key to a user. */
  'user.key.add': P.UserKeyChange;
  /** An admin removed a key from a user. */
  'user.key.remove': P.UserKeyChange;
  /** An admin recorded a signed NDA. */
  'nda.create': P.NdaCreate;
  /** An admin revoked an NDA: the grants that rely on it stop allowing access. */
  'nda.revoke': P.NdaRevoke;
  /** An admin added an ssh target or a command target. */
  'target.create': P.TargetCreate;
  /** An admin removed a target (soft delete: old grants and sessions still name it). */
  'target.remove': P.TargetRemove;
  /** An admin pinned a target's host key. */
  'target.pin': P.TargetPin;
  /** An admin changed a target (`target set`): today a command target's run-as account. */
  'target.set': P.TargetSet;
  /** An admin changed the checklist grants to a target must confirm (`target set --require`). */
  'target.checklist': P.TargetChecklist;
  /** An admin granted a user access to a target. */
  'grant.create': P.GrantCreate;
  /** An admin revoked a grant: its live sessions are closed. */
  'grant.revoke': P.GrantRevoke;
  /** A grant's end moved later: an admin's `grant extend`, or an approved extension request. */
  'grant.extend': P.GrantExtend;
  /** A user asked for a grant, or for more time on one (`ssh USER@bastion request …`). */
  'request.created': P.RequestCreated;
  /** An approver (or an auto-approving rule) approved a request; the last approval makes the grant. */
  'request.approved': P.RequestApproved;
  /** An approver denied a request. */
  'request.denied': P.RequestDenied;
  /** The requester cancelled their pending request. */
  'request.cancelled': P.RequestCancelled;
  /** A pending request reached its deadline undecided. */
  'request.expired': P.RequestExpired;
  /** A user asked for something no request rule allows; nothing was filed. */
  'request.refused': P.RequestRefused;
  /** An admin added a reviewer of the web review page. */
  'reviewer.create': P.ReviewerCreate;
  /** An admin made a one-time login link for a reviewer (`gatehouse reviewer link`). */
  'reviewer.link.create': P.ReviewerLinkCreate;
  /** An admin changed what a review page account may use (`gatehouse reviewer set --role`). */
  'reviewer.set': P.ReviewerSet;
  /** An admin disabled a review page account: its web sessions and unused links end at once. */
  'reviewer.disable': P.ReviewerAccount;
  /** An admin enabled a disabled review page account again. */
  'reviewer.enable': P.ReviewerAccount;
  /** An admin gave a review page account a new password: its web sessions end at once. */
  'reviewer.password.reset': P.ReviewerAccount;
  /** An admin removed a review page account, its web sessions and its unused links. */
  'reviewer.remove': P.ReviewerAccount;
  /** A user logged in over ssh. */
  'auth.success': P.AuthSuccess;
  /** A login was refused (once per connection, key and reason; see auth.failure.aggregate). */
  'auth.failure': P.AuthFailure;
  /**
   * Refused logins from one source address beyond the first 10 of a 60 s window, summed up when
   * the window closed (or at shutdown) instead of one auth.failure each.
   */
  'auth.failure.aggregate': P.AuthFailureAggregate;
  /**
   * A user typed `I agree` to the NDA and scope of a grant, or an earlier agreement to the same NDA
   * and scope was carried over to it (`carriedFrom`).
   */
  'nda.acknowledge': P.NdaAcknowledge;
  /** A session channel started relaying (after its recording was opened). */
  'session.start': P.SessionStart;
  /** A session channel ended. */
  'session.end': P.SessionEnd;
  /** An admin (`gatehouse session kill`) or an approver on the review page asked to end a live session, with a reason. */
  'session.kill': P.SessionKill;
  /** A live session was warned that its grant ends soon. */
  'session.warning': P.SessionWarning;
  /** A config `alerts` rule matched a command, an output line or an input line of a session. */
  'session.flagged': P.SessionFlagged;
  /** A file was closed after bytes moved through SFTP: path, direction, bytes and their sha256. */
  'transfer.file': P.TransferFile;
  /** An SFTP request changed the target: remove, rename, mkdir, rmdir, setstat, symlink, link. */
  'transfer.change': P.TransferChange;
  /** An SFTP request (or the sftp subsystem itself) was refused by the grant's transfer rights. */
  'transfer.denied': P.TransferDenied;
  /**
   * gatehouse closed an authenticated connection whose login no longer allows access (its grants
   * expired or were revoked, the NDA was revoked, the user disabled), with or without sessions
   * (`ssh -N`); each of its sessions also ends with its own `session.end`.
   */
  'connection.end': P.ConnectionEnd;
  /** A command was allowed by a commands grant's allowlist. */
  'exec.allowed': P.ExecAllowed;
  /** A command was refused: not on the allowlist, a file transfer, or an exec on a command target. */
  'exec.denied': P.ExecDenied;
  /** A channel or request was refused (forwarding, agent, X11, subsystems, session limits or policy). */
  'channel.denied': P.ChannelDenied;
  /** A target presented a host key other than the pinned one (or none is pinned). */
  'hostkey.mismatch': P.HostkeyMismatch;
  /** A session's recording was closed, hashed and signed. */
  'recording.sealed': P.RecordingSealed;
  /** A session's recording could not be opened, broke, or could not be sealed. */
  'recording.failure': P.RecordingFailure;
  /** Retention removed a session's recording files; the session row stays, marked pruned. */
  'recording.pruned': P.RecordingPruned;
  /** An admin put a session's recording on legal hold: prune never removes it while it holds. */
  'recording.hold': P.RecordingHoldChange;
  /** An admin released a legal hold: the recording falls under retention again. */
  'recording.release': P.RecordingHoldChange;
  /** A reviewer (web) or an admin (`gatehouse replay`) looked at sessions or a recording. */
  'review.view': P.ReviewView;
  /** A reviewer logged in to the review page (password or one-time link). */
  'reviewer.login': P.ReviewerLogin;
  /** A review page login was refused: wrong credentials, a bad link, or throttled. */
  'reviewer.login.failure': P.ReviewerLoginFailure;
  /** A reviewer logged out of the review page. */
  'reviewer.logout': P.ReviewerLogout;
  /** A signed audit checkpoint could not be delivered to an external sink (file or webhook). */
  'checkpoint.sink.failure': P.CheckpointSinkFailure;
  /** An admin rotated the bastion's host key; the old public key stays in the keyring. */
  'bastion.hostkey.rotate': P.BastionHostkeyRotate;
  /** An admin exported the evidence file of a grant (`gatehouse evidence export`). */
  'evidence.export': P.EvidenceExport;
}

export type AuditEventType = keyof AuditPayloads;

export type AuditEventOf<T extends AuditEventType> = {
  readonly type: T;
  readonly payload: AuditPayloads[T];
};

/** One audit event: discriminated on `type`. */
export type AuditEvent = { readonly [T in AuditEventType]: AuditEventOf<T> }[AuditEventType];

/** `user.key.add` → `userKeyAdd`. */
type CamelCase<S extends string> = S extends `${infer Head}.${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export type AuditEventConstructors = {
  readonly [T in AuditEventType as CamelCase<T>]: (payload: AuditPayloads[T]) => AuditEventOf<T>;
};

const event =
  <T extends AuditEventType>(type: T) =>
  (payload: AuditPayloads[T]): AuditEventOf<T> => ({ type, payload });

/** The one way to build each event (the type above makes the list complete). */
export const auditEvents: AuditEventConstructors = {
  userCreate: event('user.create'),
  userDisable: event('user.disable'),
  userEnable: event('user.enable'),
  userKeyAdd: event('user.key.add'),
  userKeyRemove: event('user.key.remove'),
  ndaCreate: event('nda.create'),
  ndaRevoke: event('nda.revoke'),
  targetCreate: event('target.create'),
  targetRemove: event('target.remove'),
  targetPin: event('target.pin'),
  targetSet: event('target.set'),
  targetChecklist: event('target.checklist'),
  grantCreate: event('grant.create'),
  grantRevoke: event('grant.revoke'),
  grantExtend: event('grant.extend'),
  requestCreated: event('request.created'),
  requestApproved: event('request.approved'),
  requestDenied: event('request.denied'),
  requestCancelled: event('request.cancelled'),
  requestExpired: event('request.expired'),
  requestRefused: event('request.refused'),
  reviewerCreate: event('reviewer.create'),
  reviewerLinkCreate: event('reviewer.link.create'),
  reviewerSet: event('reviewer.set'),
  reviewerDisable: event('reviewer.disable'),
  reviewerEnable: event('reviewer.enable'),
  reviewerPasswordReset: event('reviewer.password.reset'),
  reviewerRemove: event('reviewer.remove'),
  authSuccess: event('auth.success'),
  authFailure: event('auth.failure'),
  authFailureAggregate: event('auth.failure.aggregate'),
  ndaAcknowledge: event('nda.acknowledge'),
  sessionStart: event('session.start'),
  sessionEnd: event('session.end'),
  sessionKill: event('session.kill'),
  sessionWarning: event('session.warning'),
  sessionFlagged: event('session.flagged'),
  transferFile: event('transfer.file'),
  transferChange: event('transfer.change'),
  transferDenied: event('transfer.denied'),
  connectionEnd: event('connection.end'),
  execAllowed: event('exec.allowed'),
  execDenied: event('exec.denied'),
  channelDenied: event('channel.denied'),
  hostkeyMismatch: event('hostkey.mismatch'),
  recordingSealed: event('recording.sealed'),
  recordingFailure: event('recording.failure'),
  recordingPruned: event('recording.pruned'),
  recordingHold: event('recording.hold'),
  recordingRelease: event('recording.release'),
  reviewView: event('review.view'),
  reviewerLogin: event('reviewer.login'),
  reviewerLoginFailure: event('reviewer.login.failure'),
  reviewerLogout: event('reviewer.logout'),
  checkpointSinkFailure: event('checkpoint.sink.failure'),
  bastionHostkeyRotate: event('bastion.hostkey.rotate'),
  evidenceExport: event('evidence.export'),
};
