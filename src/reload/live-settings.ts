/**
 * The settings a running bastion reads each time it needs them, so that a SIGHUP reload reaches
 * new connections and sessions without restarting the listeners: the ssh layer reads
 * `limits.maxSessions` etc. per connection and the recorder its mode per session.
 */
import type { RecordingSettings } from '../adapters/recording-taps.js';
import type { Config } from '../config/load-config.js';
import type { AlertRule } from '../core/alert-rules.js';
import type { BastionLimits } from '../transport/server.js';
import type { SessionTapFactory } from '../session/ports.js';
import type { SelfServiceSettings } from '../session/self-service/request-desk.js';

/** What filing and deciding access requests read from a config: rules, profiles, grant maximum. */
export function requestSettingsOf(config: Config): SelfServiceSettings {
  const { requests, groups, profiles, grants } = config;
  return {
    policy: { rules: requests.rules, groups },
    profiles,
    maxGrantMs: grants.maxDurationMs,
  };
}

export class LiveSettings {
  private current: Config;

  constructor(config: Config) {
    this.current = config;
  }

  get config(): Config {
    return this.current;
  }

  set(config: Config): void {
    this.current = config;
  }

  /** A view of config.ssh whose fields always hold the current values. */
  limits(): BastionLimits {
    const cur = (): Config => this.current;
    return {
      get loginGraceTimeMs() {
        return cur().ssh.loginGraceTimeMs;
      },
      get maxAuthTries() {
        return cur().ssh.maxAuthTries;
      },
      get maxSessions() {
        return cur().ssh.maxSessions;
      },
      get maxStartups() {
        return cur().ssh.maxStartups;
      },
      get maxStartupsPerSource() {
        return cur().ssh.maxStartupsPerSource;
      },
      get idleTimeoutMs() {
        return cur().ssh.idleTimeoutMs;
      },
      get drainTimeoutMs() {
        return cur().ssh.drainTimeoutMs;
      },
    };
  }

  /** A view of config.recordings; the folder is fixed at start (a restart moves it). */
  recordings(): RecordingSettings {
    const cur = (): Config => this.current;
    const dir = this.current.recordings.dir;
    return {
      dir,
      get mode() {
        return cur().recordings.mode;
      },
      get captureInput() {
        return cur().recordings.captureInput;
      },
      get maxBytesPerSession() {
        return cur().recordings.maxBytesPerSession;
      },
    };
  }

  /** What the ssh commands and the review page read at each request or decision. */
  requestSettings(): SelfServiceSettings {
    return requestSettingsOf(this.current);
  }

  /**
   * Config `alerts` for a session opening now; `input` rules only while typed input is recorded
   * (`recordings.captureInput`): what is not in the recording is not matched either.
   */
  alertRules(): readonly AlertRule[] {
    const { alerts, recordings } = this.current;
    return recordings.captureInput ? alerts : alerts.filter((rule) => rule.on !== 'input');
  }

  /** `factory` with its `mode` read from the current config (the factory reads the rest per open()). */
  taps(factory: SessionTapFactory): SessionTapFactory {
    const cur = (): Config => this.current;
    return {
      get mode() {
        return cur().recordings.mode;
      },
      open: (info) => factory.open(info),
    };
  }
}
