/**
 * A request's history as its audit events tell it (filed, each approval, denial, cancellation,
 * expiry, the grant made or extended), one line each. Payloads are read defensively: a row edited
 * by hand shows what it holds, never breaks the page.
 */
import { formatDuration } from '../../core/duration.js';
import type { AuditRecord } from '../../core/model.js';
import { html, isoTime, type HtmlValue, type SafeHtml } from '../html.js';
import { sent } from './request-parts.js';

type Payload = AuditRecord['payload'];

const text = (p: Payload, key: string): string => {
  const v = p[key];
  return typeof v === 'string' ? sent(v) : typeof v === 'number' ? String(v) : '-';
};
const num = (p: Payload, key: string): number | null => {
  const v = p[key];
  return typeof v === 'number' ? v : null;
};
const duration = (ms: number | null): string => (ms === null ? '-' : formatDuration(ms));
const noted = (prefix: string, note: string): string =>
  note === '' || note === '-' ? prefix : `${prefix}: ${note}`;

function confirmations(p: Payload): SafeHtml {
  const c = p['confirmations'];
  if (typeof c !== 'object' || c === null) return html``;
  const items = Object.entries(c as Record<string, unknown>);
  if (items.length === 0) return html``;
  return html`<ul class="confirmations">
    ${items.map(([item, note]) => html`<li>${sent(item)}: ${sent(String(note))}</li>`)}
  </ul>`;
}

function summary(e: AuditRecord): HtmlValue {
  const p = e.payload;
  switch (e.type) {
    case 'request.created': {
      const patterns = Array.isArray(p['allowlist']) ? p['allowlist'].length : 0;
      const mode = text(p, 'mode') + (patterns > 0 ? ` (${patterns} patterns)` : '');
      return `filed by ${text(p, 'user')}: ${mode} for ${duration(num(p, 'durationMs'))}, reason ${text(p, 'reason')}`;
    }
    case 'request.approved': {
      const shorter = num(p, 'durationMs');
      const head =
        `approved by ${text(p, 'approver')} (${text(p, 'approvals')} of ` +
        `${text(p, 'approvalsRequired')})${shorter === null ? '' : `, for ${duration(shorter)}`}`;
      return html`${noted(head, text(p, 'note'))}${confirmations(p)}`;
    }
    case 'request.denied':
      return `denied by ${text(p, 'approver')}: ${text(p, 'reason')}`;
    case 'request.cancelled':
      return `cancelled by ${text(p, 'user')}`;
    case 'request.expired':
      return 'expired undecided';
    case 'grant.create':
      return `grant ${text(p, 'grantId')} created: ${isoTime(num(p, 'startsAt'))} – ${isoTime(num(p, 'endsAt'))}`;
    case 'grant.extend':
      return `grant ${text(p, 'grantId')} extended to ${isoTime(num(p, 'endsAt'))}`;
    default:
      return sent(JSON.stringify(p));
  }
}

export function requestHistory(events: readonly AuditRecord[]): SafeHtml {
  return html`<table id="history">
    <thead>
      <tr>
        <th>Seq</th>
        <th>Time (UTC)</th>
        <th>Actor</th>
        <th>Event</th>
        <th>What</th>
      </tr>
    </thead>
    <tbody>
      ${events.map(
        (e) =>
          html`<tr>
            <td class="num">${e.seq}</td>
            <td>${isoTime(e.ts)}</td>
            <td>${e.actor}</td>
            <td>${e.type}</td>
            <td>${summary(e)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
