/**
 * Static assets, read once at start-up from fixed locations (the asciinema-player npm package and
 * this code's own constants). Requests are answered by exact path lookup: no file path is ever
 * built from a request.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { REVIEW_JS } from './static/review-script.js';
import { REVIEW_CSS } from './static/review-style.js';
import { LIST_CSS, LIST_JS } from './static/session-list-assets.js';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

export type AssetTable = ReadonlyMap<string, Asset>;

export const PLAYER_JS = '/assets/asciinema-player.min.js';
export const PLAYER_CSS = '/assets/asciinema-player.css';
export const REVIEW_SCRIPT = '/assets/review.js';
export const REVIEW_STYLE = '/assets/review.css';
export const LIST_SCRIPT = '/assets/list.js';
export const LIST_STYLE = '/assets/list.css';

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

function asset(body: Buffer, contentType: string): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, etag };
}

export async function loadAssets(): Promise<AssetTable> {
  const require = createRequire(import.meta.url);
  const playerJs = require.resolve('asciinema-player/dist/bundle/asciinema-player.min.js');
  const playerCss = require.resolve('asciinema-player/dist/bundle/asciinema-player.css');
  return new Map<string, Asset>([
    [PLAYER_JS, asset(await readFile(playerJs), JS)],
    [PLAYER_CSS, asset(await readFile(playerCss), CSS)],
    [REVIEW_SCRIPT, asset(Buffer.from(REVIEW_JS, 'utf8'), JS)],
    [REVIEW_STYLE, asset(Buffer.from(REVIEW_CSS, 'utf8'), CSS)],
    [LIST_SCRIPT, asset(Buffer.from(LIST_JS, 'utf8'), JS)],
    [LIST_STYLE, asset(Buffer.from(LIST_CSS, 'utf8'), CSS)],
  ]);
}
