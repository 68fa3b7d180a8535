/**
 * What the request list and a request's page both show: its mode, its file transfer and the text
 * a user sent.
 */
import type { AccessRequest } from '../../core/access-request.js';
import { describeMode } from '../../core/access-request.js';
import { formatByteSize } from '../../core/byte-size.js';
import { escapeUnprintable } from '../../core/untrusted-text.js';
import { html, type SafeHtml } from '../html.js';

/**
 * Text a user or approver typed (a reason, a note, a pattern), as a review view shows it: control,
 * bidi and zero-width characters escaped, so what the page says is what was sent.
 */
export const sent = escapeUnprintable;

/**
 * `shell`, `profile NAME` or `allowlist`, with the patterns the grant would allow; an extension
 * names its grant, with that grant's mode (what the approver gives more time to).
 */
export function modeOf(request: AccessRequest): SafeHtml {
  const { mode } = request;
  if (request.kind === 'extend')
    return html`more time on grant ${request.grantId}: ${modeOf({ ...request, kind: 'grant' })}`;
  if (mode.kind === 'shell') return html`shell`;
  return html`${describeMode(mode)}
    <ul class="patterns">
      ${mode.patterns.map((p) => html`<li><code>${sent(p)}</code></li>`)}
    </ul>`;
}

/**
 * The file transfer the grant will carry (an extension's: its grant's): `none`, or the direction,
 * the path limits the requester asked for (escaped) or any path, and the budget.
 */
export function transferOf(request: AccessRequest): SafeHtml {
  const { direction, paths, budgetBytes } = request.transfer;
  if (direction === 'none') return html`none`;
  const limits =
    paths.length === 0 ? html`any path` : html`${paths.map((p) => html`<code>${sent(p)}</code> `)}`;
  const budget = budgetBytes === null ? '' : `, budget ${formatByteSize(budgetBytes)}`;
  return html`${direction}: ${limits}${budget}`;
}

/** `1 of 2` and who. */
export const approvalsOf = (request: AccessRequest): string =>
  `${request.approvals.length} of ${request.approvalsRequired}` +
  (request.approvals.length === 0
    ? ''
    : ` (${request.approvals.map((a) => a.approver).join(', ')})`);
