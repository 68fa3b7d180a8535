import type { Clock } from '../../core/clock.js';
import { refuse, type Refusal } from '../../core/refusal.js';
import type { Audience } from './format.js';
import type { RequestDesk, SelfServiceSettings } from './request-desk.js';

/** What one of gatehouse's own commands works with. */
export interface CommandContext {
  readonly desk: RequestDesk;
  /** The current config's settings, read once for this command. */
  readonly settings: SelfServiceSettings;
  readonly clock: Clock;
  readonly to: Audience;
  /** The audit actor (`user:alice`). */
  readonly actor: string;
  /** Aborted when the user's channel closes or they type Ctrl-C in a terminal (stops `--wait`). */
  readonly stop: AbortSignal;
  /** A progress line on stderr (`--wait`), apart from the reply. */
  note(line: string): void;
}

/** What a command prints on stdout, and its exit status. */
export interface Reply {
  readonly lines: readonly string[];
  readonly exitStatus: number;
}

export const reply = (lines: readonly string[], exitStatus = 0): Reply => ({ lines, exitStatus });

/** One JSON document. */
export const replyJson = (doc: unknown, exitStatus = 0): Reply =>
  reply([JSON.stringify(doc, null, 2)], exitStatus);

/** Refused (exit 1): one line on stderr. */
export const refused = (message: string): Refusal => refuse.quietly(`gatehouse: ${message}`, 1);
