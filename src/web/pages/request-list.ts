/** `/requests`: the pending access requests first, then the recently decided ones. */
import { statusAt, type AccessRequest } from '../../core/access-request.js';
import { formatDuration as exactDuration, formatTimeLeft } from '../../core/duration.js';
import { html, isoTime, page, type Viewer } from '../html.js';
import { approvalsOf, modeOf, sent, transferOf } from './request-parts.js';

const link = (r: AccessRequest) => html`<a href="/requests/${r.id}">${r.id}</a>`;

function pendingRow(r: AccessRequest, now: number) {
  return html`<tr>
    <td class="num">${link(r)}</td>
    <td>${r.userName}</td>
    <td>${r.targetName}</td>
    <td>${modeOf(r)}</td>
    <td class="transfer">${transferOf(r)}</td>
    <td>${exactDuration(r.durationMs)}</td>
    <td>${sent(r.reason)}</td>
    <td>${approvalsOf(r)}</td>
    <td>${formatTimeLeft(now - r.createdAt)}</td>
    <td>${isoTime(r.expiresAt)} (in ${formatTimeLeft(r.expiresAt - now)})</td>
  </tr>`;
}

function decidedRow(r: AccessRequest, now: number) {
  return html`<tr>
    <td class="num">${link(r)}</td>
    <td>${r.userName}</td>
    <td>${r.targetName}</td>
    <td>${modeOf(r)}</td>
    <td class="transfer">${transferOf(r)}</td>
    <td>${exactDuration(r.durationMs)}</td>
    <td class="status">${statusAt(r, now)}</td>
    <td>${r.decidedBy ?? '-'}</td>
    <td>${isoTime(r.decidedAt ?? r.expiresAt)}</td>
    <td class="num">${r.kind === 'grant' ? (r.grantId ?? '-') : '-'}</td>
  </tr>`;
}

const empty = (columns: number, text: string) =>
  html`<tr>
    <td colspan="${columns}">${text}</td>
  </tr>`;

export function requestListPage(
  viewer: Viewer,
  pending: readonly AccessRequest[],
  decided: readonly AccessRequest[],
  now: number,
): string {
  return page(
    { title: 'Access requests', reviewer: viewer },
    html`<h1>Access requests</h1>
      <h2>Pending</h2>
      <table id="pending">
        <thead>
          <tr>
            <th>ID</th>
            <th>Requester</th>
            <th>Target</th>
            <th>Mode</th>
            <th>Transfer</th>
            <th>Duration</th>
            <th>Reason</th>
            <th>Approvals</th>
            <th>Age</th>
            <th>Deadline (UTC)</th>
          </tr>
        </thead>
        <tbody>
          ${
            pending.length === 0
              ? empty(10, 'No pending requests.')
              : pending.map((r) => pendingRow(r, now))
          }
        </tbody>
      </table>
      <h2>Recently decided</h2>
      <table id="decided">
        <thead>
          <tr>
            <th>ID</th>
            <th>Requester</th>
            <th>Target</th>
            <th>Mode</th>
            <th>Transfer</th>
            <th>Duration</th>
            <th>Status</th>
            <th>Decided by</th>
            <th>When (UTC)</th>
            <th>Grant</th>
          </tr>
        </thead>
        <tbody>
          ${decided.length === 0 ? empty(10, 'None yet.') : decided.map((r) => decidedRow(r, now))}
        </tbody>
      </table>`,
  );
}
