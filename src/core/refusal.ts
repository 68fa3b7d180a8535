/**
 * A refusal is a value (DESIGN.md §7): what was refused and why (the denial, which the audit
 * decorator turns into one audit event), the one line the user is told, and the exit status.
 * Handlers return refusals; they never write audit events or user messages for them.
 */
import type { ChannelDenialDetails, ExecDenialReason, HostkeyMismatch } from './audit-payloads.js';
import type { RequestKind } from './access-request.js';
import type { GrantId, SessionId } from './model.js';

/** Where the refused thing sits, when it is known (after a grant was chosen). */
export interface DenialScope {
  readonly target: string;
  readonly grantId: GrantId;
}

export type Denial =
  /** A channel or request: x11, auth-agent, subsystem, direct-tcpip, a global request, a session. */
  | { readonly on: 'channel'; readonly kind: string; readonly details: ChannelDenialDetails }
  /** A command (exec, or a line of the restricted prompt). */
  | {
      readonly on: 'exec';
      readonly reason: ExecDenialReason;
      readonly detail: string;
      readonly scope: DenialScope;
      readonly sessionId: SessionId | null;
    }
  /** The sftp subsystem, refused by the grant's transfer rights (no session was opened). */
  | { readonly on: 'transfer'; readonly scope: DenialScope; readonly why: string }
  /** The target presented another host key than the pinned one (or none is pinned). */
  | {
      readonly on: 'hostkey';
      readonly target: Omit<HostkeyMismatch, 'user' | 'presented'>;
      readonly presented: string | null;
    }
  /** A self-service request no rule allows (nothing was filed). */
  | {
      readonly on: 'request';
      readonly kind: RequestKind;
      readonly target: string;
      readonly grantId: GrantId | null;
      readonly detail: string;
    }
  /**
   * Nothing (more) worth a record: no usable choice, the target is down, or the cause is on the
   * record already (a strict recording that cannot be opened: its recording.failure).
   */
  | { readonly on: 'none' };

export interface Refusal {
  readonly ok: false;
  readonly denial: Denial;
  /** What the user is told (one line); null when the protocol answer says it all. */
  readonly line: string | null;
  readonly exitStatus: number;
}

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' &&
  value !== null &&
  (value as { ok?: unknown }).ok === false &&
  'denial' in value;

const refusal = (denial: Denial, line: string | null, exitStatus: number): Refusal => ({
  ok: false,
  denial,
  line,
  exitStatus,
});

export const refuse = {
  channel: (
    kind: string,
    options: {
      readonly details?: ChannelDenialDetails;
      readonly line?: string;
      readonly exitStatus?: number;
    } = {},
  ): Refusal =>
    refusal(
      { on: 'channel', kind, details: options.details ?? {} },
      options.line ?? null,
      options.exitStatus ?? 1,
    ),
  exec: (
    scope: DenialScope,
    reason: ExecDenialReason,
    detail: string,
    line: string,
    exitStatus: number,
    sessionId: SessionId | null = null,
  ): Refusal => refusal({ on: 'exec', reason, detail, scope, sessionId }, line, exitStatus),
  hostKey: (
    target: Omit<HostkeyMismatch, 'user' | 'presented'>,
    presented: string | null,
    line: string,
    exitStatus: number,
  ): Refusal => refusal({ on: 'hostkey', target, presented }, line, exitStatus),
  request: (
    asked: {
      readonly kind: RequestKind;
      readonly target: string;
      readonly grantId: GrantId | null;
    },
    detail: string,
    line: string,
  ): Refusal => refusal({ on: 'request', ...asked, detail }, line, 1),
  transfer: (scope: DenialScope, why: string, line: string): Refusal =>
    refusal({ on: 'transfer', scope, why }, line, 1),
  quietly: (line: string | null, exitStatus: number): Refusal =>
    refusal({ on: 'none' }, line, exitStatus),
};
