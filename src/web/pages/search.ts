/** `/search?q=`: where a text appears in recorded output, each hit linking to its moment. */
import type { ReviewSession } from '../../core/reviewer.js';
import { html, isoTime, page, type Viewer } from '../html.js';
import type { SearchHit } from '../../core/recording-search.js';

export interface SessionHits {
  readonly session: ReviewSession;
  readonly hits: readonly SearchHit[];
}

export function searchPage(
  reviewer: Viewer,
  query: string,
  results: readonly SessionHits[],
  note: string | null,
): string {
  const blocks = results.map(
    ({ session: s, hits }) =>
      html`<section class="result">
        <h2>
          <a href="/sessions/${s.id}">${s.userName}@${s.targetName}</a> · ${isoTime(s.startedAt)} ·
          grant ${s.grantId}
        </h2>
        <ul>
          ${hits.map(
            (h) =>
              html`<li>
                <a class="hit" href="/sessions/${s.id}#t=${h.time.toFixed(3)}"
                  >${h.time.toFixed(1)} s</a
                >
                <span class="snippet mono">${h.before}<mark>${h.match}</mark>${h.after}</span>
              </li>`,
          )}
        </ul>
      </section>`,
  );
  return page(
    { title: 'Search', reviewer },
    html`<h1>Search recorded output</h1>
      <form class="filters" method="get" action="/search">
        <label
          >Text <input name="q" value="${query}" minlength="3" maxlength="200" required
        /></label>
        <button type="submit">Search</button>
      </form>
      ${note === null ? '' : html`<p>${note}</p>`}
      ${query !== '' && results.length === 0 ? html`<p>No matches.</p>` : ''} ${blocks}`,
  );
}
