/**
 * A refusal is a value (DESIGN.md §7): what was refused and why (the denial, which the audit
 * decorator turns into one audit event), the one line the user is told, and the exit status.
 * Handlers return refusals; they never write audit events or user messages for them.
 */
import type { JsonValue } from './audit-events.js';
import type { GrantId } from './model.js';

/** Where the refused thing sits, when it is known (after a grant was chosen). */
export interface DenialScope {
  readonly target: string;
  readonly grantId: GrantId;
}

export type Denial =
  /** A channel or request: x11, auth-agent, subsystem, direct-tcpip, a global request, a session. */
  | {
      readonly on: 'channel';
      readonly kind: string;
      readonly reason: string | null;
      readonly scope: DenialScope | null;
      readonly details: Readonly<Record<string, JsonValue>>;
    }
  /** A command (exec, or a line of the restricted prompt). */
  | {
      readonly on: 'exec';
      readonly reason: string;
      readonly detail: string | null;
      readonly scope: DenialScope;
      readonly details: Readonly<Record<string, JsonValue>>;
    }
  /** The target presented another host key than the pinned one (or none is pinned). */
  | { readonly on: 'hostkey'; readonly target: Readonly<Record<string, JsonValue>>; readonly presented: string | null }
  /** The recording could not be opened and recordings are strict. */
  | { readonly on: 'recording'; readonly problem: string; readonly details: Readonly<Record<string, JsonValue>> }
  /** Nothing worth a record: the user gave no usable choice, or the target is down. */
  | { readonly on: 'none' };

export interface Refusal {
  readonly ok: false;
  readonly denial: Denial;
  /** What the user is told (one line); null when the protocol answer says it all. */
  readonly line: string | null;
  readonly exitStatus: number;
}

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false && 'denial' in value;

export const refuse = {
  channel: (
    kind: string,
    options: {
      readonly reason?: string;
      readonly scope?: DenialScope;
      readonly details?: Readonly<Record<string, JsonValue>>;
      readonly line?: string;
      readonly exitStatus?: number;
    } = {},
  ): Refusal => ({
    ok: false,
    denial: { on: 'channel', kind, reason: options.reason ?? null, scope: options.scope ?? null, details: options.details ?? {} },
    line: options.line ?? null,
    exitStatus: options.exitStatus ?? 1,
  }),
  exec: (
    scope: DenialScope,
    reason: string,
    detail: string | null,
    line: string,
    exitStatus: number,
    details: Readonly<Record<string, JsonValue>> = {},
  ): Refusal => ({
    ok: false,
    denial: { on: 'exec', reason, detail, scope, details },
    line,
    exitStatus,
  }),
  hostKey: (target: Readonly<Record<string, JsonValue>>, presented: string | null, line: string, exitStatus: number): Refusal => ({
    ok: false,
    denial: { on: 'hostkey', target, presented },
    line,
    exitStatus,
  }),
  recording: (problem: string, details: Readonly<Record<string, JsonValue>>, line: string, exitStatus: number): Refusal => ({
    ok: false,
    denial: { on: 'recording', problem, details },
    line,
    exitStatus,
  }),
  quietly: (line: string | null, exitStatus: number): Refusal => ({ ok: false, denial: { on: 'none' }, line, exitStatus }),
};
