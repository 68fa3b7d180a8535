/**
 * A transfer session's log on its page (issue 16), in place of the terminal player: each file
 * moved (direction, path, size, sha256), each change (rename, remove, mkdir…) and each refusal,
 * oldest first. The sha256 is the full value in the page, shown shortened by the stylesheet, so
 * hovering shows it and copying takes all of it. With recordings.keepTransfers a file is marked
 * kept, in part or not, as its signed manifest says. At 600 px and below each row is a block.
 */
import type { KeptTransfer } from '../../core/kept-transfers.js';
import type { TransferLogEntry } from '../../core/transfer-entries.js';
import { escapeUnprintable } from '../../core/untrusted-text.js';
import { formatBytes, html, localTime, type SafeHtml } from '../html.js';

export interface TransferLogView {
  /** The first entries, oldest first (bounded: core/transfer-entries.ts MAX_TRANSFER_PAGE). */
  readonly entries: readonly TransferLogEntry[];
  /** Every entry the session has. */
  readonly total: number;
  /** recordings.keepTransfers: what the signed manifest says was kept, by file entry seq. */
  readonly kept?: ReadonlyMap<number, KeptTransfer>;
}

/** How much of a file the bastion kept, as a badge; its reason on hover. */
function keptBadge(kept: KeptTransfer | undefined): SafeHtml | string {
  if (kept === undefined) return '';
  const why = kept.reason === null ? '' : ` (${escapeUnprintable(kept.reason)})`;
  if (kept.kept === 'none')
    return html` <span class="badge unkept" title="not kept${why}">not kept</span>`;
  const amount = kept.kept === 'whole' ? 'whole file' : `first ${kept.keptBytes} bytes${why}`;
  return html` <span class="badge kept" title="kept: ${amount}"
    >kept${kept.kept === 'first' ? ' (part)' : ''}</span
  >`;
}

/** A path the user named, control characters escaped so it cannot disguise itself. */
const pathText = (path: string | null): SafeHtml | string =>
  path === null ? '-' : html`<span class="mono path">${escapeUnprintable(path)}</span>`;

function sha256Cell(sha256: string | null): SafeHtml {
  if (sha256 === null)
    return html`<td data-label="sha256" title="not one run of the file from its start">-</td>`;
  return html`<td data-label="sha256"><code class="sha256" title="${sha256}">${sha256}</code></td>`;
}

function row(e: TransferLogEntry, kept: TransferLogView['kept']): SafeHtml {
  const time = html`<td data-label="Time">${localTime(e.ts)}</td>`;
  switch (e.kind) {
    case 'file':
      return html`<tr class="file">
        ${time}
        <td data-label="Operation">${e.direction}${keptBadge(kept?.get(e.seq))}</td>
        <td data-label="Path">${pathText(e.path)}</td>
        <td data-label="Size" class="num" title="${e.bytes} bytes">${formatBytes(e.bytes)}</td>
        ${sha256Cell(e.sha256)}
      </tr>`;
    case 'change':
      return html`<tr class="change">
        ${time}
        <td data-label="Operation">${e.op}</td>
        <td data-label="Path">
          ${pathText(e.path)}${e.to === null ? '' : html` → ${pathText(e.to)}`}
        </td>
        <td data-label="Size" class="num">-</td>
        <td data-label="sha256">-</td>
      </tr>`;
    case 'denied':
      return html`<tr class="refused">
        ${time}
        <td data-label="Operation">
          <span class="badge refused">refused</span> ${escapeUnprintable(e.op)}
        </td>
        <td data-label="Path">${pathText(e.path)}</td>
        <td data-label="Why" colspan="2" class="why">${escapeUnprintable(e.why)}</td>
      </tr>`;
  }
}

export function transferLog(view: TransferLogView): SafeHtml {
  const more = view.total - view.entries.length;
  return html`<section id="transfers">
    <h2>Transfer log</h2>
    ${
      view.entries.length === 0
        ? html`<p>No file moved, changed or refused.</p>`
        : html`<table class="transfers">
            <thead>
              <tr>
                <th>Time</th>
                <th>Operation</th>
                <th>Path</th>
                <th>Size</th>
                <th>sha256</th>
              </tr>
            </thead>
            <tbody>
              ${view.entries.map((e) => row(e, view.kept))}
            </tbody>
          </table>`
    }
    ${
      more > 0
        ? html`<p class="omitted">
            ${more} more not shown; <code>gatehouse session show ID --json</code> lists them all.
          </p>`
        : ''
    }
  </section>`;
}
