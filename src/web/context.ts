/** What every request handler gets. */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';
import type { RecordingStore } from '../recording/recording-store.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../core/ports.js';
import type { RequestPolicy } from '../core/request-rules.js';
import type { AssetTable } from './assets.js';
import type { Viewer } from './html.js';
import type { LiveWatchers } from './live-watchers.js';
import type { Reviewer } from '../core/reviewer.js';
import type { ReviewerSessions } from './reviewer-sessions.js';

/** What /metrics serves (src/metrics/, passed in by main.ts). */
export interface MetricsSource {
  render(): string;
}

/**
 * The request rules as they are at this moment (config `requests` and `groups`; `grants.maxDuration`
 * caps a grant): read at each decision, so a SIGHUP reload applies to the next one.
 */
export interface RequestRules {
  readonly policy: RequestPolicy;
  readonly maxGrantMs: number;
}

export interface WebDeps {
  readonly store: Store;
  /** Writes the page's own audit events (a failed write refuses or is logged, per event type). */
  readonly auditor: Auditor;
  /** Absolute recordings folder (the spool): every live .cast served must resolve inside it. */
  readonly recordingsDir: string;
  /** Where sealed recordings are read (absent: the local store, `recordingsDir`). */
  readonly recordings?: RecordingStore;
  /** The keyring's public keys (current and retired host keys): check the signed manifests. */
  readonly manifestKeys: readonly KeyObject[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessions: ReviewerSessions;
  /** web.publicUrl: the origin readers reach the page at, or null. */
  readonly publicOrigin: string | null;
  /** web.trustedProxies (web/client-address.ts). */
  readonly trustedProxies: ReadonlySet<string>;
  readonly assets: AssetTable;
  /** null: no /metrics (404). */
  readonly metrics: MetricsSource | null;
  readonly requestRules: () => RequestRules;
  /** The live views open (capped; ended at shutdown). */
  readonly liveWatchers: LiveWatchers;
}

export interface Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly deps: WebDeps;
}

export interface AuthedRequest extends Request {
  readonly reviewer: Reviewer;
  /** The account as its pages show it, with its form token. */
  readonly viewer: Viewer;
}
