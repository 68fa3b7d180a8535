/** The login form and the one-time link confirmation (a button, so link scanners cannot use it). */
import { HOME_PATH, sameSitePath } from '../../core/login-next.js';
import { html, page, type SafeHtml } from '../html.js';

/** The page to return to after login (core/login-next.ts), carried by the form; none for home. */
function nextField(next: string | null | undefined): SafeHtml | '' {
  const path = next === null || next === undefined ? null : sameSitePath(next);
  return path === null || path === HOME_PATH
    ? ''
    : html`<input type="hidden" name="next" value="${path}" />`;
}

export function loginPage(
  options: {
    readonly error?: string;
    readonly notice?: string;
    readonly next?: string | null;
  } = {},
): string {
  return page(
    { title: 'Log in' },
    html`<form class="login" method="post" action="/login">
      <h1>Reviewer login</h1>
      ${nextField(options.next)}
      ${options.notice === undefined ? '' : html`<p>${options.notice}</p>`}
      ${options.error === undefined ? '' : html`<p class="error" role="alert">${options.error}</p>`}
      <label
        >Name <input name="name" autocomplete="username" required maxlength="64" autofocus
      /></label>
      <label
        >Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="1024"
      /></label>
      <button type="submit">Log in</button>
    </form>`,
  );
}

export function linkPage(token: string, next: string | null): string {
  return page(
    { title: 'One-time login' },
    html`<form class="login" method="post" action="/login/link">
      <h1>One-time login</h1>
      <p>This link logs you in once; it cannot be used again.</p>
      <input type="hidden" name="token" value="${token}" />
      ${nextField(next)}
      <button type="submit">Log in</button>
    </form>`,
  );
}
