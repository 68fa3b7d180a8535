/**
 * Audit events as a reviewer reads them: one definition list per event (time, actor, node, type, then
 * each payload field), times as ISO 8601 UTC instead of epoch milliseconds, nested values as
 * dotted names, so no line is wider than its longest word.
 */
import type { AuditRecord } from '../../core/model.js';
import { html, isoTime, type SafeHtml } from '../html.js';

type Field = readonly [name: string, value: string];

/** Payload times are `…At` fields holding epoch milliseconds (core/audit-payloads.ts). */
const isTimeField = (name: string, value: unknown): value is number =>
  /At$/.test(name) && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const MAX_DEPTH = 3;

/** Flattens a payload value into named lines: `a.b`, `list[0].c`; deeper than MAX_DEPTH as JSON. */
export function payloadFields(value: unknown, name = '', depth = 0): Field[] {
  const last = name.split('.').at(-1) ?? name;
  if (isTimeField(last, value)) return [[name, isoTime(value)]];
  if (value === null || value === undefined) return [[name, '-']];
  if (typeof value === 'string') return [[name, value]];
  if (typeof value !== 'object') return [[name, JSON.stringify(value) ?? '-']];
  if (depth >= MAX_DEPTH) return [[name, JSON.stringify(value)]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [[name, '-']];
    if (value.every((v) => v === null || typeof v !== 'object'))
      return [[name, value.map((v) => String(v)).join(', ')]];
    return value.flatMap((v, i) => payloadFields(v, `${name}[${i}]`, depth + 1));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return [[name, '-']];
  return entries.flatMap(([k, v]) => payloadFields(v, name === '' ? k : `${name}.${k}`, depth + 1));
}

function eventItem(e: AuditRecord): SafeHtml {
  const fields = payloadFields(e.payload);
  return html`<li id="event-${e.seq}">
    <h3><span class="type">${e.type}</span> <span class="seq">#${e.seq}</span></h3>
    <dl class="facts">
      <dt>Time (UTC)</dt>
      <dd><time datetime="${isoTime(e.ts)}">${isoTime(e.ts)}</time></dd>
      <dt>Actor</dt>
      <dd>${e.actor}</dd>
      <dt>Node</dt>
      <dd>${e.node ?? '-'}</dd>
      ${fields.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
    </dl>
  </li>`;
}

export function auditEventList(events: readonly AuditRecord[]): SafeHtml {
  if (events.length === 0) return html`<p id="events">None.</p>`;
  return html`<ol id="events" class="events">
    ${events.map(eventItem)}
  </ol>`;
}
