import { GatehouseError } from '../core/errors.js';
import type { Session } from '../core/model.js';
import { quoteForMessage } from '../core/names.js';
import type { Store } from '../core/ports.js';
import { usage } from './validate.js';

/**
 * A session id as typed: the whole UUID or its first 8 or more characters (what `session list`
 * shows is long; the first block is usually enough), lower case as gatehouse writes them, checked
 * before the store is opened.
 */
export type SessionIdOrPrefix = string & { readonly __sessionIdOrPrefix: unique symbol };

const UUID_SHAPE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
const MIN_PREFIX = 8;

const fitsShape = (text: string): boolean =>
  text.length <= UUID_SHAPE.length &&
  Array.from(text).every((c, i) => (UUID_SHAPE[i] === '-' ? c === '-' : /[0-9a-f]/.test(c)));

export function requireSessionRef(field: string, value: string): SessionIdOrPrefix {
  if (!fitsShape(value)) {
    throw usage(
      `${field}: ${quoteForMessage(value)} is not a session id (a UUID, or its first ${MIN_PREFIX} or more characters)`,
    );
  }
  if (value.length < MIN_PREFIX) {
    throw usage(
      `${field}: ${quoteForMessage(value)} is too short: give at least ${MIN_PREFIX} characters of the session id`,
    );
  }
  return value as SessionIdOrPrefix;
}

/** The one session `ref` names; refused when none or more than one id starts with it. */
export async function findSession(
  store: Store,
  ref: SessionIdOrPrefix,
  noun: string,
): Promise<Session> {
  const [first, second] = await store.sessions.idsStartingWith(ref, 2);
  if (first === undefined) {
    const what = ref.length === UUID_SHAPE.length ? 'with id' : 'whose id starts with';
    throw new GatehouseError('not_found', `${noun}: no session ${what} ${ref}`);
  }
  if (second !== undefined) {
    throw new GatehouseError(
      'refused',
      `${noun}: ${ref} matches more than one session (among them ${first} and ${second}): give more characters`,
    );
  }
  const session = await store.sessions.get(first);
  if (session === null)
    throw new GatehouseError('not_found', `${noun}: no session with id ${first}`);
  return session;
}
