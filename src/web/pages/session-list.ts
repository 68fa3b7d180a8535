/** `/`: the session list with its filter form. */
import type { ReviewSession } from '../../core/reviewer.js';
import { formatBytes, formatDuration, html, isoTime, page, type Viewer } from '../html.js';

export interface ListFilters {
  readonly user: string;
  readonly target: string;
  readonly grant: string;
  readonly from: string;
  readonly to: string;
}

export function sessionListPage(
  reviewer: Viewer,
  filters: ListFilters,
  sessions: readonly ReviewSession[],
  error: string | null,
  now: number,
): string {
  const rows = sessions.map(
    (s) =>
      html`<tr>
        <td><a href="/sessions/${s.id}">${isoTime(s.startedAt)}</a></td>
        <td>${s.userName}</td>
        <td>${s.targetName}</td>
        <td class="num">${s.grantId}</td>
        <td class="num">${formatDuration((s.endedAt ?? now) - s.startedAt)}</td>
        <td class="num">${formatBytes(s.bytes)}</td>
        <td>${s.endReason ?? 'live'}</td>
      </tr>`,
  );
  return page(
    { title: 'Sessions', reviewer },
    html`<h1>Sessions</h1>
      <form class="filters" method="get" action="/">
        <label>User <input name="user" value="${filters.user}" maxlength="64" /></label>
        <label>Target <input name="target" value="${filters.target}" maxlength="64" /></label>
        <label
          >Grant
          <input name="grant" value="${filters.grant}" inputmode="numeric" maxlength="15" size="6"
        /></label>
        <label>From <input name="from" type="date" value="${filters.from}" /></label>
        <label>To <input name="to" type="date" value="${filters.to}" /></label>
        <button type="submit">Filter</button> <a href="/">Clear</a>
      </form>
      ${error === null ? '' : html`<p class="error" role="alert">${error}</p>`}
      <table id="sessions">
        <thead>
          <tr>
            <th>Started (UTC)</th>
            <th>User</th>
            <th>Target</th>
            <th>Grant</th>
            <th>Duration</th>
            <th>Size</th>
            <th>End</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length === 0
              ? html`<tr>
                  <td colspan="7">No sessions.</td>
                </tr>`
              : rows
          }
        </tbody>
      </table>`,
  );
}
