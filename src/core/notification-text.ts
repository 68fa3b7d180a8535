/**
 * The short human line of a notification (the Slack format's `text`). Names and ids are
 * gatehouse's own; what a person typed (a reason, a note) is quoted, escaped and cut, so it
 * cannot pass for gatehouse's words, break the line, or become a Slack link or mention.
 */
import { formatDuration } from './duration.js';
import type { AuditRecord } from './model.js';
import type { EventSubject, NotifiableEvent } from './notification.js';
import { isoTime } from './timestamp.js';
import { describeTransfer } from './transfer-text.js';
import type { TransferRights } from './transfer-rights.js';
import { boundUntrusted } from './untrusted-text.js';

/** How much of a reason or note a line shows. */
const QUOTED_MAX = 200;

/** Slack's three control characters in message text (`<…>` links and mentions, `&` entities). */
const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text a person typed: escaped, bounded and in quotes. */
const quoted = (text: string): string => `“${slackEscape(boundUntrusted(text, QUOTED_MAX))}”`;

/** Gatehouse's own text that may still hold a character Slack reads as markup (an actor). */
const plain = (text: string): string => slackEscape(boundUntrusted(text, QUOTED_MAX));

const field = (p: Readonly<Record<string, unknown>>, key: string): string =>
  typeof p[key] === 'string' || typeof p[key] === 'number' ? String(p[key]) : '?';

const time = (p: Readonly<Record<string, unknown>>, key: string): string =>
  typeof p[key] === 'number' && Number.isFinite(p[key]) ? isoTime(p[key]) : '?';

/**
 * `, transfer “download /var/log/** budget 2GiB”` for an event whose payload carries file
 * transfer rights; nothing for none (or events from before issue 16). Path limits may be a
 * requester's words: quoted.
 */
function transferClause(p: Readonly<Record<string, unknown>>): string {
  const t = p['transfer'];
  if (typeof t !== 'object' || t === null) return '';
  const { direction, paths, budgetBytes } = t as Readonly<Record<string, unknown>>;
  if (direction !== 'download' && direction !== 'upload' && direction !== 'both') return '';
  const rights: TransferRights = {
    direction,
    paths: Array.isArray(paths) ? paths.filter((x): x is string => typeof x === 'string') : [],
    budgetBytes: typeof budgetBytes === 'number' ? budgetBytes : null,
  };
  return `, transfer ${quoted(describeTransfer(rights))}`;
}

/** `alice on db1`, or what is known of it. */
function who(s: EventSubject): string {
  return `${plain(s.user ?? '?')} on ${plain(s.target ?? '?')}`;
}

/** One line saying what happened, who did it and to what. */
export function notificationLine(
  type: NotifiableEvent,
  record: AuditRecord,
  subject: EventSubject,
): string {
  const p = record.payload;
  const actor = plain(record.actor);
  const request = `request ${subject.requestId ?? field(p, 'requestId')} (${who(subject)})`;
  const grant = `grant ${subject.grantId ?? field(p, 'grantId')} (${who(subject)})`;
  const fromRequest = subject.requestId === null ? '' : `, from request ${subject.requestId}`;
  switch (type) {
    case 'request.created': {
      const mode = p['mode'] === 'profile' ? `profile ${field(p, 'profile')}` : field(p, 'mode');
      const length = typeof p['durationMs'] === 'number' ? formatDuration(p['durationMs']) : '?';
      const asked =
        p['kind'] === 'extend'
          ? `${length} more on grant ${field(p, 'grantId')} (${mode})`
          : `${mode} for ${length}${transferClause(p)}`;
      return `${request}: ${asked}, reason ${quoted(field(p, 'reason'))}`;
    }
    case 'request.approved':
      return `${request} approved by ${plain(field(p, 'approver'))} (${field(p, 'approvals')} of ${field(p, 'approvalsRequired')}), note ${quoted(field(p, 'note'))}`;
    case 'request.denied':
      return `${request} denied by ${plain(field(p, 'approver'))}, reason ${quoted(field(p, 'reason'))}`;
    case 'request.cancelled':
      return `${request} cancelled by ${actor}`;
    case 'request.expired':
      return `${request} expired undecided`;
    case 'grant.create':
      return `${grant} created by ${actor}: ${field(p, 'mode')} until ${time(p, 'endsAt')}${transferClause(p)}${fromRequest}, reason ${quoted(field(p, 'reason'))}`;
    case 'grant.extend':
      return `${grant} extended by ${actor} until ${time(p, 'endsAt')}, reason ${quoted(field(p, 'reason'))}`;
    case 'grant.revoke':
      return `${grant} revoked by ${actor}, reason ${quoted(field(p, 'reason'))}`;
    case 'session.kill':
      return `session ${subject.sessionId ?? field(p, 'sessionId')} (${who(subject)}) killed by ${actor}${
        typeof p['reason'] === 'string' ? `, reason ${quoted(p['reason'])}` : ''
      }`;
    case 'session.flagged': {
      const ended = p['action'] === 'end' ? '; session ended' : '';
      return `session ${subject.sessionId ?? field(p, 'sessionId')} (${who(subject)}) flagged by alert rule ${plain(field(p, 'rule'))} on ${plain(field(p, 'on'))} ${quoted(field(p, 'excerpt'))}${ended}`;
    }
  }
}
