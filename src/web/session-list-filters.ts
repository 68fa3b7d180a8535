/**
 * The session list's query string: filters as the reviewer gave them (shown back in the form
 * and in `review.view`), the store query they mean, and the page. The first bad value is
 * reported and nothing is listed.
 */
import { SESSION_KINDS } from '../core/session-summary.js';
import type { ReviewFilters } from '../core/audit-payloads.js';
import type { GrantId } from '../core/model.js';
import { checkName, quoteForMessage } from '../core/names.js';
import type { SessionListQuery } from '../core/reviewer.js';
import { parseTimestamp } from '../core/timestamp.js';

export const PAGE_SIZE = 50;

/** Quick ranges: sessions started within the last hour, day or week. */
export const QUICK_RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type QuickRange = keyof typeof QUICK_RANGES;
const isQuickRange = (text: string): text is QuickRange => Object.hasOwn(QUICK_RANGES, text);

const FILTER_KEYS = [
  'user',
  'target',
  'grant',
  'kind',
  'from',
  'to',
  'range',
  'flagged',
  'live',
] as const;

/** The kinds a session can be listed as. */
export const LISTED_KINDS = SESSION_KINDS;
export type ListFilters = { readonly [K in (typeof FILTER_KEYS)[number]]: string };

export interface ParsedList {
  readonly filters: ListFilters;
  /** 1-based. */
  readonly page: number;
  readonly query: SessionListQuery;
  readonly error: string | null;
}

const isOn = (text: string): boolean => text === 'on' || text === '1';

export function parseListFilters(url: URL, now: number): ParsedList {
  const get = (k: string): string => (url.searchParams.get(k) ?? '').slice(0, 100);
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, get(k)])) as ListFilters;
  const pageText = get('page');
  const page = /^[1-9][0-9]{0,5}$/.test(pageText) ? Number(pageText) : 1;
  const query: { -readonly [K in keyof SessionListQuery]: SessionListQuery[K] } = {
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
  const fail = (error: string): ParsedList => ({ filters, page, query, error });
  if (pageText !== '' && String(page) !== pageText)
    return fail(`page: ${quoteForMessage(pageText)} is not a page number`);
  if (filters.user !== '') {
    const c = checkName('user', filters.user);
    if (!c.ok) return fail(c.message);
    query.userName = filters.user;
  }
  if (filters.target !== '') {
    const c = checkName('target', filters.target);
    if (!c.ok) return fail(c.message);
    query.targetName = filters.target;
  }
  if (filters.grant !== '') {
    if (!/^[1-9][0-9]{0,14}$/.test(filters.grant))
      return fail('grant: must be a grant id (a positive whole number)');
    query.grantId = Number(filters.grant) as GrantId;
  }
  if (filters.kind !== '') {
    if (!(LISTED_KINDS as readonly string[]).includes(filters.kind))
      return fail(
        `kind: ${quoteForMessage(filters.kind)} is not one of ${LISTED_KINDS.join(', ')}`,
      );
    query.kind = filters.kind;
  }
  for (const key of ['from', 'to'] as const) {
    const text = filters[key];
    if (text === '') continue;
    const t = parseTimestamp(text);
    if (!t.ok) return fail(`${key}: ${t.message}`);
    // A date alone in "to" includes that whole day.
    query[key] = key === 'to' && /^\d{4}-\d{2}-\d{2}$/.test(text) ? t.ms + 86_400_000 : t.ms;
  }
  if (filters.range !== '') {
    if (!isQuickRange(filters.range))
      return fail(`range: ${quoteForMessage(filters.range)} is not one of 1h, 24h, 7d`);
    query.from = Math.max(query.from ?? 0, now - QUICK_RANGES[filters.range]);
  }
  for (const key of ['flagged', 'live'] as const) {
    if (filters[key] === '') continue;
    if (!isOn(filters[key])) return fail(`${key}: must be on or left out`);
    query[key] = true;
  }
  return { filters, page, query, error: null };
}

/** The filters given, for `review.view` (the page number included). */
export function shownFilters(parsed: ParsedList): ReviewFilters {
  const shown: { -readonly [K in keyof ReviewFilters]: string } = {};
  for (const k of FILTER_KEYS) if (parsed.filters[k] !== '') shown[k] = parsed.filters[k];
  if (parsed.page > 1) shown.page = String(parsed.page);
  return shown;
}

/** The list's address with these filters and `change` applied (empty values left out). */
export function listHref(filters: ListFilters, change: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...change })) if (v !== '') params.set(k, v);
  const text = params.toString();
  return text === '' ? '/' : `/?${text}`;
}
