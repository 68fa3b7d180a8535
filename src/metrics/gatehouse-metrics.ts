/**
 * gatehouse's own metrics (issue 7), fed by the audit events the ssh layer records: every
 * decision at the door and every session end is an audit event already, so the metrics listen
 * to the Auditor (main.ts subscribes observe) and need no hook inside the session handlers.
 */
import type { AuditEvent } from '../core/audit-events.js';
import { MetricsRegistry, type Counter } from './registry.js';

const num = (v: number | null): number => (v !== null && Number.isFinite(v) && v > 0 ? v : 0);

/** Label values stay short and tame whatever a client sent (global request names are free text). */
const tame = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9._@-]/g, '_')
    .slice(0, 48);

/**
 * The `reason` label of gatehouse_denials_total for an audit event, or null when it is not a
 * denial. Login refusals keep their reason (`user.unknown`, `grant.expired`, …); the others are
 * prefixed with what was refused (`exec.no_match`, `session.grant.revoked`, `channel.direct-tcpip`,
 * `review.password.wrong` for the review page's login).
 */
export function denialReason(event: AuditEvent): string | null {
  switch (event.type) {
    case 'auth.failure':
      return tame(event.payload.reason);
    case 'exec.denied':
      return tame(`exec.${event.payload.reason}`);
    case 'channel.denied': {
      const kind = event.payload.kind === '' ? 'unknown' : event.payload.kind;
      const { reason } = event.payload;
      return tame(reason === undefined ? `channel.${kind}` : `${kind}.${reason}`);
    }
    case 'hostkey.mismatch':
      return 'hostkey.mismatch';
    case 'reviewer.login.failure':
      return `review.${event.payload.reason}`;
    case 'transfer.denied':
      return tame(`transfer.${event.payload.op}`);
    default:
      return null;
  }
}

export class GatehouseMetrics {
  readonly registry = new MetricsRegistry();
  private readonly logins: Counter;
  private readonly denials: Counter;
  private readonly bytes: Counter;
  private readonly recordingFailures: Counter;
  private readonly checkpointSinkFailures: Counter;
  private readonly notifications: Counter;
  private readonly transferredFiles: Counter;
  private readonly transferredBytes: Counter;
  private liveSessions: () => number = () => 0;
  private pendingNotifications: () => number = () => 0;

  constructor() {
    const r = this.registry;
    r.gauge('gatehouse_live_sessions', 'Session channels being relayed now.', () =>
      this.liveSessions(),
    );
    this.logins = r.counter(
      'gatehouse_logins_total',
      'SSH logins by result (a refused key counts once per connection and reason).',
      ['result'],
      [{ result: 'success' }, { result: 'failure' }],
    );
    this.denials = r.counter(
      'gatehouse_denials_total',
      'Refused logins (ssh and review page), sessions, commands and channels, by reason.',
      ['reason'],
    );
    this.bytes = r.counter(
      'gatehouse_relayed_bytes_total',
      'Bytes relayed for ended sessions: in = user to target, out = target to user.',
      ['direction'],
      [{ direction: 'in' }, { direction: 'out' }],
    );
    this.recordingFailures = r.counter(
      'gatehouse_recording_failures_total',
      'Recordings that could not be opened or broke mid-session.',
    );
    this.checkpointSinkFailures = r.counter(
      'gatehouse_checkpoint_sink_failures_total',
      'Signed audit checkpoints an external sink did not take, by sink.',
      ['sink'],
      [{ sink: 'file' }, { sink: 'webhook' }],
    );
    this.notifications = r.counter(
      'gatehouse_notifications_total',
      'Webhook notification attempts by result (failed: given up, no more retries).',
      ['result'],
      [{ result: 'delivered' }, { result: 'retried' }, { result: 'failed' }],
    );
    const directions = [{ direction: 'download' }, { direction: 'upload' }];
    this.transferredFiles = r.counter(
      'gatehouse_transferred_files_total',
      'Files read or written through SFTP (one per transfer.file event), by direction.',
      ['direction'],
      directions,
    );
    this.transferredBytes = r.counter(
      'gatehouse_transferred_bytes_total',
      'Bytes of files moved through SFTP, by direction (counted when each file closes).',
      ['direction'],
      directions,
    );
    r.gauge(
      'gatehouse_notifications_pending',
      'Webhook notifications queued and not yet delivered or given up.',
      () => this.pendingNotifications(),
    );
  }

  /** Counts one notification attempt's outcome (notify/notifier.ts). */
  countNotification(result: 'delivered' | 'retried' | 'failed'): void {
    this.notifications.inc({ result });
  }

  /** Where the pending-notifications gauge reads from. */
  readPendingNotificationsFrom(read: () => number): void {
    this.pendingNotifications = read;
  }

  /** Where the live-session gauge reads from (the bastion's live session table). */
  readLiveSessionsFrom(read: () => number): void {
    this.liveSessions = read;
  }

  /** Counts one audit event that was written (call it after the write succeeded). */
  observe(event: AuditEvent): void {
    switch (event.type) {
      case 'auth.success':
        this.logins.inc({ result: 'success' });
        break;
      case 'auth.failure':
        this.logins.inc({ result: 'failure' });
        break;
      case 'auth.failure.aggregate':
        this.logins.inc({ result: 'failure' }, event.payload.count);
        for (const { reason, count } of event.payload.reasons) this.denials.inc({ reason }, count);
        break;
      case 'recording.failure':
        this.recordingFailures.inc();
        break;
      case 'checkpoint.sink.failure':
        this.checkpointSinkFailures.inc({ sink: event.payload.sink });
        break;
      case 'transfer.file':
        this.transferredFiles.inc({ direction: event.payload.direction });
        this.transferredBytes.inc({ direction: event.payload.direction }, num(event.payload.bytes));
        break;
      case 'session.end':
        this.bytes.inc({ direction: 'in' }, num(event.payload.bytesIn));
        this.bytes.inc({ direction: 'out' }, num(event.payload.bytesOut));
        break;
      default:
        break;
    }
    const reason = denialReason(event);
    if (reason !== null) this.denials.inc({ reason });
  }

  render(): string {
    return this.registry.render();
  }
}
