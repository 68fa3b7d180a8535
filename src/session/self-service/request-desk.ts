/**
 * What gatehouse's own commands need from the rest of the system (main.ts passes
 * src/adapters/store-request-desk.ts, on the Store port, and the current config's settings).
 */
import type { AccessRequest } from '../../core/access-request.js';
import type { EpochMs, Grant, Nda, RequestId } from '../../core/model.js';
import type { Actor, ApprovalInput, NewRequest, RequestJudge } from '../../core/ports.js';
import type { Profile } from '../../core/profile.js';
import type { RequestPolicy } from '../../core/request-rules.js';

/** One of the user's grants with its target's name. */
export interface OwnGrant {
  readonly grant: Grant;
  readonly targetName: string;
}

/** The store said no (one line, e.g. `request: 12 is already approved`): a value, not a fault. */
export interface DeskRefusal {
  readonly refused: string;
}

export const isDeskRefusal = (value: unknown): value is DeskRefusal =>
  typeof value === 'object' && value !== null && 'refused' in value;

export interface RequestDesk {
  /** The user's NDAs, in any state. */
  ndas(userName: string): Promise<Nda[]>;
  /** The user's grants, in any state, oldest first. */
  grants(userName: string): Promise<OwnGrant[]>;
  /** The user's requests, newest first, at most `limit`. */
  requests(userName: string, limit: number): Promise<AccessRequest[]>;
  request(id: RequestId): Promise<AccessRequest | null>;
  /** Files a request (request.created); with `autoApproval`, approves it at once. */
  file(
    request: NewRequest,
    autoApproval: { readonly input: ApprovalInput; readonly judge: RequestJudge } | null,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest | DeskRefusal>;
  /** The requester withdraws a pending request (request.cancelled). */
  cancel(
    id: RequestId,
    userName: string,
    now: EpochMs,
    actor: Actor,
  ): Promise<AccessRequest | DeskRefusal>;
}

/** The parts of the current config the commands read at each command (a SIGHUP applies). */
export interface SelfServiceSettings {
  readonly policy: RequestPolicy;
  readonly profiles: Readonly<Record<string, Profile>>;
  /** `grants.maxDuration`: no grant is longer. */
  readonly maxGrantMs: number;
}
