/**
 * SIGHUP (issue 7): which changes of the config file a running `gatehouse serve` can take over
 * and which need a restart. Pure: the caller loads the new file and applies the plan.
 */
import type { Config } from '../config/load-config.js';

export interface ReloadPlan {
  /** The config to run with from now on: the new file, except the keys that need a restart. */
  readonly effective: Config;
  /** Changed keys now in effect (log level at once; limits, recording and command-target settings for new connections and sessions; webhooks for events queued from now on). */
  readonly applied: readonly string[];
  /** Changed keys that keep their old value until gatehouse is restarted. */
  readonly needRestart: readonly string[];
}

type Pick = (c: Config) => unknown;

const LIVE: ReadonlyArray<readonly [string, Pick]> = [
  ['log.level', (c) => c.log.level],
  ['ssh.loginGraceTime', (c) => c.ssh.loginGraceTimeMs],
  ['ssh.maxAuthTries', (c) => c.ssh.maxAuthTries],
  ['ssh.maxSessions', (c) => c.ssh.maxSessions],
  ['ssh.maxStartups', (c) => c.ssh.maxStartups],
  ['ssh.maxStartupsPerSource', (c) => c.ssh.maxStartupsPerSource],
  ['ssh.idleTimeout', (c) => c.ssh.idleTimeoutMs],
  ['ssh.drainTimeout', (c) => c.ssh.drainTimeoutMs],
  ['recordings.mode', (c) => c.recordings.mode],
  ['recordings.captureInput', (c) => c.recordings.captureInput],
  ['recordings.maxBytesPerSession', (c) => c.recordings.maxBytesPerSession],
  // Read when a transfer session opens.
  ['recordings.keepTransfers', (c) => c.recordings.keepTransfers],
  ['commandTargets.limits', (c) => c.commandTargets.limits],
  ['notify.webhooks', (c) => c.notify.webhooks],
  // Read at each request decision (ssh self-service commands, the review page, the expiry sweep).
  ['groups', (c) => c.groups],
  ['requests', (c) => c.requests],
  // Also read by the CLI: serve reads them at each self-service request.
  ['grants.maxDuration', (c) => c.grants.maxDurationMs],
  ['profiles', (c) => c.profiles],
  // Read when a session opens (its recording's rules stay those it started with).
  ['alerts', (c) => c.alerts],
];

const RESTART: ReadonlyArray<readonly [string, Pick]> = [
  ['ssh.listen', (c) => c.ssh.listen],
  ['ssh.hostKeyPath', (c) => c.ssh.hostKeyPath],
  ['ssh.clientKeyPath', (c) => c.ssh.clientKeyPath],
  ['node.name', (c) => c.node.name],
  ['database.path', (c) => c.database.path],
  ['database.url', (c) => c.database.url],
  ['recordings.dir', (c) => c.recordings.dir],
  ['recordings.store', (c) => c.recordings.store],
  ['recordings.s3', (c) => c.recordings.s3],
  // serve's prune worker is made at start (docs/retention.md).
  ['recordings.retention', (c) => c.recordings.retentionMs],
  ['web.listen', (c) => c.web.listen],
  ['web.publicUrl', (c) => c.web.publicUrl],
  ['web.trustedProxies', (c) => c.web.trustedProxies],
  ['web.sessionIdleTimeout', (c) => c.web.sessionIdleTimeoutMs],
  ['web.sessionMaxAge', (c) => c.web.sessionMaxAgeMs],
  ['audit.checkpoint', (c) => c.audit.checkpoint],
  ['audit.checkpointSink', (c) => c.audit.checkpointSink],
];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const changed = (keys: ReadonlyArray<readonly [string, Pick]>, a: Config, b: Config): string[] =>
  keys.filter(([, pick]) => !same(pick(a), pick(b))).map(([key]) => key);

export function planReload(current: Config, next: Config): ReloadPlan {
  const effective: Config = {
    ...next,
    ssh: {
      ...next.ssh,
      listen: current.ssh.listen,
      hostKeyPath: current.ssh.hostKeyPath,
      clientKeyPath: current.ssh.clientKeyPath,
    },
    node: current.node,
    database: current.database,
    recordings: {
      ...next.recordings,
      dir: current.recordings.dir,
      store: current.recordings.store,
      s3: current.recordings.s3,
      retentionMs: current.recordings.retentionMs,
    },
    web: current.web,
    audit: current.audit,
  };
  return {
    effective,
    applied: changed(LIVE, current, next),
    needRestart: changed(RESTART, current, next),
  };
}
