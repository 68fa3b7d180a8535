/**
 * `/`: the session list, one page at a time with the total (live sessions first, then newest
 * first), its filters and quick ranges. Times are ISO UTC in the HTML; /assets/list.js shows them
 * in the viewer's zone with the UTC time on hover and how long ago.
 */
import type { ReviewSession } from '../../core/reviewer.js';
import { isTransferSession } from '../../core/transfer-entries.js';
import { escapeUnprintable } from '../../core/untrusted-text.js';
import { LIST_SCRIPT, LIST_STYLE } from '../assets.js';
import {
  formatBytes,
  formatDuration,
  html,
  localTime,
  page,
  type SafeHtml,
  type Viewer,
} from '../html.js';
import {
  LISTED_KINDS,
  listHref,
  PAGE_SIZE,
  QUICK_RANGES,
  type ListFilters,
} from '../session-list-filters.js';

export interface SessionListView {
  readonly filters: ListFilters;
  /** 1-based. */
  readonly page: number;
  readonly sessions: readonly ReviewSession[];
  readonly total: number;
  /** Names for the user and target choices. */
  readonly userNames: readonly string[];
  readonly targetNames: readonly string[];
  readonly error: string | null;
  readonly now: number;
}

const count = (n: number): string => n.toLocaleString('en-US');

/** A select of names; the value asked for stays a choice even when no longer listed. */
function choice(name: string, label: string, names: readonly string[], value: string): SafeHtml {
  const options = names.includes(value) || value === '' ? names : [value, ...names];
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">all</option>
      ${options.map((n) => html`<option value="${n}" ${n === value ? 'selected' : ''}>${n}</option>`)}
    </select></label
  >`;
}

/** A transfer session's files and bytes (`3 files, 12.0 MiB`), in its command column. */
const transferSummary = (s: ReviewSession): string =>
  `${count(s.transfers.files)} ${s.transfers.files === 1 ? 'file' : 'files'}, ${formatBytes(s.transfers.bytes)}`;

/** Live, and on which node (issue 17: it is ended there). */
const liveBadge = (s: ReviewSession): SafeHtml => {
  const badge = html`<span class="badge live">live</span>`;
  return s.node === null ? badge : html`${badge} <span class="node">on ${s.node}</span>`;
};

function row(s: ReviewSession, now: number): SafeHtml {
  const live = s.endedAt === null;
  const command =
    isTransferSession(s) || s.transfers.files > 0
      ? transferSummary(s)
      : s.command === null
        ? '-'
        : escapeUnprintable(s.command);
  return html`<tr class="${live ? 'live' : ''}">
    <td><a href="/sessions/${s.id}">${localTime(s.startedAt)}</a></td>
    <td>${s.userName}</td>
    <td>${s.targetName}</td>
    <td>${s.kind ?? '-'}</td>
    <td class="command mono" title="${command}">${command}</td>
    <td class="num">${s.exitStatus ?? '-'}</td>
    <td class="num">
      ${s.flagCount > 0 ? html`<span class="badge flag">${s.flagCount}</span>` : '0'}
    </td>
    <td class="num">${formatDuration((s.endedAt ?? now) - s.startedAt)}</td>
    <td class="num">${formatBytes(s.bytes)}</td>
    <td>${live ? liveBadge(s) : s.endReason}</td>
  </tr>`;
}

/** "1–50 of 10,234" with previous and next. */
function pager(v: SessionListView): SafeHtml {
  const first = (v.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(v.total, (v.page - 1) * PAGE_SIZE + v.sessions.length);
  const to = (p: number): string => listHref(v.filters, { page: p === 1 ? '' : String(p) });
  return html`<nav class="pager" aria-label="Pages">
    <span class="range"
      >${
        v.sessions.length === 0
          ? `no sessions${v.total === 0 ? '' : ` on this page (${count(v.total)} in all)`}`
          : `${count(first)}–${count(last)} of ${count(v.total)}`
      }</span
    >
    ${v.page > 1 ? html`<a rel="prev" href="${to(v.page - 1)}">Previous</a>` : ''}
    ${last < v.total ? html`<a rel="next" href="${to(v.page + 1)}">Next</a>` : ''}
  </nav>`;
}

function quickRanges(filters: ListFilters): SafeHtml {
  return html`<p class="quick">
    Started in the last:
    ${Object.keys(QUICK_RANGES).map(
      (r) =>
        html`<a
          href="${listHref(filters, { range: r, page: '' })}"
          ${filters.range === r ? html`aria-current="true"` : ''}
          >${r.replace(/(\d+)/, '$1 ')}</a
        >`,
    )}
    ${filters.range === '' ? '' : html`<a href="${listHref(filters, { range: '', page: '' })}">any time</a>`}
  </p>`;
}

export function sessionListPage(reviewer: Viewer, v: SessionListView): string {
  const f = v.filters;
  return page(
    { title: 'Sessions', reviewer, styles: [LIST_STYLE], scripts: [LIST_SCRIPT] },
    html`<h1>Sessions</h1>
      <form class="filters" method="get" action="/">
        ${choice('user', 'User', v.userNames, f.user)}
        ${choice('target', 'Target', v.targetNames, f.target)}
        ${choice('kind', 'Kind', LISTED_KINDS, f.kind)}
        <label
          >Grant <input name="grant" value="${f.grant}" inputmode="numeric" maxlength="15" size="6"
        /></label>
        <label>From <input name="from" type="date" value="${f.from}" /></label>
        <label>To <input name="to" type="date" value="${f.to}" /></label>
        <label class="check"
          ><input type="checkbox" name="flagged" ${f.flagged === '' ? '' : 'checked'} />
          flagged</label
        >
        <label class="check"
          ><input type="checkbox" name="live" ${f.live === '' ? '' : 'checked'} /> live</label
        >
        ${f.range === '' ? '' : html`<input type="hidden" name="range" value="${f.range}" />`}
        <button type="submit">Filter</button> <a href="/">Clear</a>
      </form>
      ${quickRanges(f)}
      ${v.error === null ? '' : html`<p class="error" role="alert">${v.error}</p>`} ${pager(v)}
      <div class="table-scroll">
        <table id="sessions">
          <thead>
            <tr>
              <th>Started</th>
              <th>User</th>
              <th>Target</th>
              <th>Kind</th>
              <th>Command</th>
              <th>Exit</th>
              <th>Flags</th>
              <th>Duration</th>
              <th>Size</th>
              <th>End</th>
            </tr>
          </thead>
          <tbody>
            ${
              v.sessions.length === 0
                ? html`<tr>
                    <td colspan="10">No sessions.</td>
                  </tr>`
                : v.sessions.map((s) => row(s, v.now))
            }
          </tbody>
        </table>
      </div>
      ${pager(v)}`,
  );
}
