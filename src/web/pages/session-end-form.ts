/** The end-session form of a live session's page: for accounts with the approver role. */
import { KILL_REASON_MAX } from '../../core/kill-reason.js';
import type { ReviewSession } from '../../core/reviewer.js';
import { csrfField, html, type SafeHtml, type Viewer } from '../html.js';

export function endSessionForm(viewer: Viewer, s: ReviewSession): SafeHtml | '' {
  if (s.endedAt !== null || !viewer.roles.includes('approver')) return '';
  return html`<form id="end-session" method="post" action="/sessions/${s.id}/end">
    ${csrfField(viewer)}
    <label
      >Reason shown to the user
      <input name="reason" required maxlength="${KILL_REASON_MAX}" autocomplete="off"
    /></label>
    <button type="submit">End session</button>
  </form>`;
}
