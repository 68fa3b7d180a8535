/**
 * `/requests/<id>`: every field of a request, its history from the audit chain, the target's
 * checklist, and (while it is pending) the approve and deny forms.
 */
import { statusAt, type AccessRequest } from '../../core/access-request.js';
import { formatDuration } from '../../core/duration.js';
import type { AuditRecord } from '../../core/model.js';
import { DECISION_TEXT_MAX } from '../../core/decision-input.js';
import { csrfField, facts, html, isoTime, page, type SafeHtml, type Viewer } from '../html.js';
import { requestHistory } from './request-history.js';
import { approvalsOf, modeOf, sent, transferOf } from './request-parts.js';

export interface RequestView {
  readonly request: AccessRequest;
  readonly events: readonly AuditRecord[];
  /** The target's checklist items: each approval confirms them (`confirm[<item>]` inputs). */
  readonly checklist: readonly string[];
  /** The page's own address at web.publicUrl, when set. */
  readonly permalink: string | null;
  /** Why the last decision posted was refused (one line), or null. */
  readonly refusal: string | null;
}

function requestFacts(r: AccessRequest, now: number, permalink: string | null): SafeHtml {
  return facts([
    ['Status', html`<span id="status">${statusAt(r, now)}</span>`],
    ['Requester', r.userName],
    ['Target', r.targetName],
    ['Mode', modeOf(r)],
    ['Transfer', html`<span id="transfer">${transferOf(r)}</span>`],
    ['Duration', formatDuration(r.durationMs)],
    ['Reason', sent(r.reason)],
    ['NDA', r.ndaId],
    ['Rule', r.rule],
    ['Approvals', approvalsOf(r)],
    ['Filed', isoTime(r.createdAt)],
    ['Deadline', isoTime(r.expiresAt)],
    ['Decided', r.decidedAt === null ? null : `${isoTime(r.decidedAt)} by ${r.decidedBy ?? '-'}`],
    ['Decision note', r.decisionNote === null ? null : sent(r.decisionNote)],
    ['Grant', r.grantId === null ? null : html`<span id="grant">${r.grantId}</span>`],
    ['Link', permalink === null ? null : html`<a href="${permalink}">${permalink}</a>`],
  ]);
}

function checklistInputs(checklist: readonly string[]): SafeHtml {
  if (checklist.length === 0) return html``;
  return html`<fieldset class="checklist">
    <legend>Checklist: confirm each item with a note or a link</legend>
    ${checklist.map(
      (item) =>
        html`<label
          >${sent(item)} <input name="confirm[${item}]" maxlength="${DECISION_TEXT_MAX}" size="60"
        /></label>`,
    )}
  </fieldset>`;
}

function decisionForms(viewer: Viewer, r: AccessRequest, checklist: readonly string[]): SafeHtml {
  return html`<div class="columns">
    <form id="approve" class="decision" method="post" action="/requests/${r.id}/approve">
      <h2>Approve</h2>
      ${csrfField(viewer)}
      <label>Note <input name="note" maxlength="${DECISION_TEXT_MAX}" size="60" /></label>
      <label
        >Shorter window (optional, e.g. 45m)
        <input name="for" maxlength="12" size="8" placeholder="${formatDuration(r.durationMs)}"
      /></label>
      ${checklistInputs(checklist)}
      <button type="submit">Approve</button>
    </form>
    <form id="deny" class="decision" method="post" action="/requests/${r.id}/deny">
      <h2>Deny</h2>
      ${csrfField(viewer)}
      <label
        >Reason <input name="reason" maxlength="${DECISION_TEXT_MAX}" size="60" required
      /></label>
      <button type="submit">Deny</button>
    </form>
  </div>`;
}

export function requestPage(viewer: Viewer, view: RequestView, now: number): string {
  const r = view.request;
  const pending = statusAt(r, now) === 'pending';
  return page(
    { title: `Request ${r.id}`, reviewer: viewer },
    html`<h1>Request ${r.id} · ${r.userName} → ${r.targetName}</h1>
      ${view.refusal === null ? '' : html`<p class="error" role="alert">${view.refusal}</p>`}
      ${requestFacts(r, now, view.permalink)}
      ${
        view.checklist.length === 0
          ? ''
          : html`<h2>Checklist</h2>
              <ul id="checklist">
                ${view.checklist.map((item) => html`<li>${sent(item)}</li>`)}
              </ul>`
      }
      ${pending ? decisionForms(viewer, r, view.checklist) : ''}
      <h2>History</h2>
      ${requestHistory(view.events)}`,
  );
}
