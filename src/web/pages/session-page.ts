/** `/sessions/:id`: the player, the session's grant and NDA, its markers and audit events. */
import type { AuditRecord, Grant, Nda } from '../../core/model.js';
import type { ReviewSession } from '../../core/reviewer.js';
import { prunedRecordingLine, recordingState } from '../../core/retention.js';
import { problemText, type SessionVerification } from '../../lifecycle/verify-session.js';
import { LIST_SCRIPT, PLAYER_CSS, PLAYER_JS, REVIEW_SCRIPT } from '../assets.js';
import {
  facts,
  formatBytes,
  formatDuration,
  html,
  isoTime,
  page,
  type SafeHtml,
  type Viewer,
} from '../html.js';
import { MAX_PLACEHOLDER_CHARS } from '../../recording/review-marks.js';
import type { HiddenSequence } from '../hidden-sequence-list.js';
import { MIN_IDLE_GAP, type CastOutline } from '../recording-file.js';
import { auditEventList } from './audit-event-fields.js';
import { endSessionForm } from './session-end-form.js';
import { transferLog, type TransferLogView } from './transfer-log.js';

export interface SessionView {
  readonly session: ReviewSession;
  readonly grant: Grant | null;
  readonly nda: Nda | null;
  readonly events: readonly AuditRecord[];
  /** null: no recording file (none made, or not inside the recordings folder). */
  readonly outline: CastOutline | null;
  /** null: the session is live, its recording not sealed yet. */
  readonly verification: SessionVerification | null;
  /** A transfer session's log, shown instead of the player; null for a terminal session. */
  readonly transfers: TransferLogView | null;
}

function grantFacts(grant: Grant | null): SafeHtml {
  if (grant === null) return html`<p>Grant not found.</p>`;
  return facts([
    ['Grant', grant.id],
    ['Mode', grant.mode],
    ['Window', `${isoTime(grant.startsAt)} – ${isoTime(grant.endsAt)}`],
    ['Reason', grant.reason],
    ['Created by', grant.createdBy],
    [
      'Allowlist',
      grant.allowlist.length === 0
        ? '-'
        : grant.allowlist.map((p) => html`<code>${p}</code><br />`),
    ],
    [
      'Revoked',
      grant.revokedAt === null ? 'no' : `${isoTime(grant.revokedAt)}: ${grant.revokeReason ?? ''}`,
    ],
    [
      'NDA and scope acknowledged',
      grant.ndaCarriedFrom === null
        ? isoTime(grant.ndaAcknowledgedAt)
        : `${isoTime(grant.ndaAcknowledgedAt)}, carried over from grant ${grant.ndaCarriedFrom}`,
    ],
    [
      'Scope sha256',
      grant.ndaScopeSha256 === null ? '-' : html`<code>${grant.ndaScopeSha256}</code>`,
    ],
  ]);
}

/** The target's checklist items as confirmed when the grant was made (issue 14). */
function checklist(grant: Grant | null): SafeHtml | '' {
  if (grant === null) return '';
  const items = grant.confirmations.map(
    (c) => html`<li><strong>${c.item}</strong>: ${c.note} <span class="by">(${c.by})</span></li>`,
  );
  return html`<section id="checklist">
    <h2>Checklist confirmed</h2>
    ${
      items.length === 0
        ? html`<p>None required.</p>`
        : html`<ul>
            ${items}
          </ul>`
    }
  </section>`;
}

function ndaFacts(nda: Nda | null): SafeHtml {
  if (nda === null) return html`<p>NDA not found.</p>`;
  return facts([
    ['Title', nda.title],
    ['Reference', nda.ref],
    ['Signed', isoTime(nda.signedAt)],
    ['Expires', isoTime(nda.expiresAt)],
    [
      'Document sha256',
      nda.documentSha256 === null ? '-' : html`<code>${nda.documentSha256}</code>`,
    ],
    ['Revoked', isoTime(nda.revokedAt)],
  ]);
}

function recordingStatus(v: SessionVerification | null): SafeHtml {
  if (v?.status === 'skipped' && v.pruned === true)
    return html`<p id="recording-status">Recording ${v.problem}</p>`;
  if (v === null || v.status === 'skipped')
    return html`<p id="recording-status">Recording in progress</p>`;
  if (v.status === 'fail')
    return html`<p id="recording-status" class="error">
      Recording NOT verified: ${problemText(v)}
    </p>`;
  return html`<p id="recording-status">
    Recording verified: sha256 <code>${v.sha256}</code> matches the signed manifest and the audit
    chain
  </p>`;
}

/** A button that moves the player to `time` (seconds). */
const seek = (time: number): SafeHtml =>
  html`<button type="button" data-seek="${time.toFixed(3)}">${time.toFixed(1)} s</button>`;

/** Speed and idle-time limit: the player cannot change them itself (static/review-script.ts). */
const playerSettings = html`<div class="player-settings">
  <label
    >Speed
    <select id="player-speed">
      <option value="0.5">0.5×</option>
      <option value="1" selected>1×</option>
      <option value="2">2×</option>
      <option value="4">4×</option>
      <option value="8">8×</option>
    </select></label
  >
  <label
    >Skip idle time over
    <select id="player-idle">
      <option value="${MIN_IDLE_GAP}" selected>${MIN_IDLE_GAP} s</option>
      <option value="5">5 s</option>
      <option value="off">never</option>
    </select></label
  >
</div>`;

/** The player first, so its controls are in view when the page opens. */
function player(s: ReviewSession, outline: CastOutline | null): SafeHtml {
  if (s.recordingPrunedAt !== null)
    return html`<p id="recording-pruned">${prunedRecordingLine(s.id, s.recordingPrunedAt)}.</p>`;
  if (outline === null) return html`<p>No recording is available for this session.</p>`;
  return html`<div
      id="player"
      data-cast="/sessions/${s.id}.cast"
      data-live="${s.endedAt === null ? `/sessions/${s.id}/live` : ''}"
      data-cols="${outline.width ?? ''}"
      data-rows="${outline.height ?? ''}"
      data-idle-gaps="${outline.idleGaps === null ? 'null' : JSON.stringify(outline.idleGaps)}"
    ></div>
    ${playerSettings}
    <p>
      <a href="/sessions/${s.id}.cast" download>Download .cast</a> <span id="position"></span>
    </p>`;
}

/** The cast's markers (commands, gatehouse's notices): on the player's bar and listed here. */
function markerList(outline: CastOutline | null): SafeHtml | '' {
  if (outline === null) return '';
  const markers = outline.markers.map(
    (m) =>
      html`<li>
        ${seek(m.time)}
        <span class="mono">${m.label}</span>
      </li>`,
  );
  return html`<h2>Commands and gatehouse notices (markers)</h2>
    ${
      markers.length === 0
        ? html`<p>No markers.</p>`
        : html`<ol class="markers">
            ${markers}
          </ol>`
    }
    ${outline.moreMarkers ? html`<p>More markers than shown.</p>` : ''} ${hiddenSequences(outline)}`;
}

function hiddenItem(h: HiddenSequence): SafeHtml {
  const repeats =
    h.count > 1
      ? html` <span class="repeats">${h.count} times, the last at ${seek(h.lastTime)}</span>`
      : '';
  return html`<li>${seek(h.time)} <span class="mono">${h.placeholder}</span>${repeats}</li>`;
}

/**
 * Window titles, clipboard writes (OSC 52), DCS/APC/PM/SOS payloads, CSIs that are not
 * well-formed: delivered to the user's terminal, never drawn by it (nor by the player), so listed
 * here with their moment; repeats counted, the first and the most recent kept
 * (hidden-sequence-list.ts).
 */
function hiddenSequences(outline: CastOutline): SafeHtml {
  const { first, omitted, last } = outline.hidden;
  const list = (entries: readonly HiddenSequence[]): SafeHtml =>
    html`<ol class="hidden-sequences">
      ${entries.map(hiddenItem)}
    </ol>`;
  return html`<section id="hidden-sequences">
    <h2>Hidden terminal sequences</h2>
    <p>
      Received by the user's terminal but not drawn (window titles, clipboard writes, device control
      strings, malformed or 8-bit control sequences); shown escaped, at most
      ${MAX_PLACEHOLDER_CHARS} characters each. Repeats are counted on the first.
    </p>
    ${first.length === 0 ? html`<p>None.</p>` : list(first)}
    ${
      omitted.occurrences > 0
        ? html`<p class="omitted">
            ${omitted.occurrences} more (${omitted.distinct} different) not listed; the most recent
            follow.
          </p>`
        : ''
    }
    ${last.length === 0 ? '' : list(last)}
  </section>`;
}

/** The cast of a transfer session holds its log as text: downloadable, never played. */
function castLink(s: ReviewSession, outline: CastOutline | null): SafeHtml | '' {
  return outline === null
    ? ''
    : html`<p><a href="/sessions/${s.id}.cast" download>Download .cast</a></p>`;
}

export function sessionPage(reviewer: Viewer, view: SessionView, now: number): string {
  const s = view.session;
  const transfers = view.transfers;
  return page(
    {
      title: `Session ${s.id}`,
      reviewer,
      styles: transfers === null ? [PLAYER_CSS] : [],
      scripts: transfers === null ? [PLAYER_JS, REVIEW_SCRIPT] : [LIST_SCRIPT],
    },
    html`<h1>${s.userName}@${s.targetName} · ${isoTime(s.startedAt)}</h1>
      ${
        transfers === null
          ? player(s, view.outline)
          : html`${transferLog(transfers)} ${castLink(s, view.outline)}`
      }
      ${facts([
        ['Session', html`<code>${s.id}</code>`],
        ['Started', isoTime(s.startedAt)],
        ['Ended', s.endedAt === null ? 'live' : isoTime(s.endedAt)],
        ['Duration', formatDuration((s.endedAt ?? now) - s.startedAt)],
        ['End reason', s.endReason ?? '-'],
        ['Exit status', s.exitStatus],
        ['Node', s.node ?? '-'],
        ['Size', formatBytes(s.bytes)],
        ['Recording sha256', s.sha256 === null ? '-' : html`<code>${s.sha256}</code>`],
        ['Retention', html`<span id="recording-state">${recordingState(s) ?? 'kept'}</span>`],
        [
          'Stdin (no pty)',
          s.stdin === null
            ? '-'
            : html`<span id="stdin-digest"
                >${s.stdin.bytes} bytes, sha256 <code>${s.stdin.sha256}</code></span
              >`,
        ],
      ])}
      ${recordingStatus(view.verification)} ${endSessionForm(reviewer, s)}
      ${transfers === null ? markerList(view.outline) : ''}
      <div class="columns">
        <section>
          <h2>Grant</h2>
          ${grantFacts(view.grant)} ${checklist(view.grant)}
        </section>
        <section>
          <h2>NDA</h2>
          ${ndaFacts(view.nda)}
        </section>
      </div>
      <h2>Audit events</h2>
      ${auditEventList(view.events)}`,
  );
}
