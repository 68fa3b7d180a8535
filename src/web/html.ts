/**
 * HTML output: every interpolated value is escaped unless it is already SafeHtml (built by this
 * same template), so user data (names, titles, terminal text) can never become markup.
 */
import type { ReviewerRole } from '../core/reviewer-role.js';
import { CSRF_FIELD } from './csrf.js';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

/** Tagged template: html`<p>${name}</p>` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** The logged-in account a page is for. */
export interface Viewer {
  readonly name: string;
  readonly roles: readonly ReviewerRole[];
  /** Its session's form token (web/csrf.ts), in every form that changes something. */
  readonly csrfToken: string;
}

/** The hidden field that carries the viewer's form token. */
export const csrfField = (viewer: Viewer): SafeHtml =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${viewer.csrfToken}" />`;

/** The nav shows only what the account may use. */
function nav(viewer: Viewer): SafeHtml {
  const reviews = viewer.roles.includes('reviewer');
  return html`<nav>
    ${reviews ? html`<a href="/">Sessions</a>` : ''}
    ${viewer.roles.includes('approver') ? html`<a href="/requests">Requests</a>` : ''}
    ${
      reviews
        ? html`<form class="search" method="get" action="/search">
            <input
              type="search"
              name="q"
              placeholder="Search output"
              aria-label="Search recorded output"
            />
          </form>`
        : ''
    }
    <span class="who">${viewer.name}</span>
    <form method="post" action="/logout">
      ${csrfField(viewer)}<button type="submit">Log out</button>
    </form>
  </nav>`;
}

export interface PageOptions {
  readonly title: string;
  /** The logged-in account: shows the nav and the logout button. */
  readonly reviewer?: Viewer | null;
  /** Extra stylesheet / script paths (fixed strings from this code, never input). */
  readonly styles?: readonly string[];
  readonly scripts?: readonly string[];
}

export function page(options: PageOptions, body: SafeHtml): string {
  const styles = ['/assets/review.css', ...(options.styles ?? [])];
  const viewer = options.reviewer ?? null;
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>${options.title} · gatehouse review</title>
        ${styles.map((s) => html`<link rel="stylesheet" href="${s}" />`)}
      </head>
      <body>
        <header><strong>gatehouse review</strong>${viewer === null ? '' : nav(viewer)}</header>
        <main>${body}</main>
        ${(options.scripts ?? []).map((s) => html`<script src="${s}"></script>`)}
      </body>
    </html> `;
  return doc.value;
}

/** A definition list of label → value (`-` for none). */
export const facts = (rows: readonly (readonly [string, HtmlValue])[]): SafeHtml =>
  html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v === null || v === undefined ? '-' : v}</dd>`,
    )}
  </dl>`;

import { isoTime } from '../core/timestamp.js';

export { isoTime };

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '-';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** A time as ISO UTC, turned into the viewer's local time by /assets/list.js (UTC on hover). */
export function localTime(ms: number): SafeHtml {
  const iso = isoTime(ms);
  return html`<time class="local" datetime="${iso}" title="${iso}">${iso}</time>`;
}
