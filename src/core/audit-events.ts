/** The audit event vocabulary: dotted types, JSON payloads (DESIGN.md §3). */

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type AuditEventType =
  // admin actions
  | 'user.create'
  | 'user.disable'
  | 'user.enable'
  | 'user.key.add'
  | 'user.key.remove'
  | 'nda.create'
  | 'nda.revoke'
  | 'target.create'
  | 'target.remove'
  | 'target.pin'
  | 'grant.create'
  | 'grant.revoke'
  | 'reviewer.create'
  // decisions at the door
  | 'auth.success'
  | 'auth.failure'
  | 'nda.acknowledge'
  // sessions
  | 'session.start'
  | 'session.end'
  | 'session.kill'
  | 'session.warning'
  | 'exec.allowed'
  | 'exec.denied'
  | 'channel.denied'
  | 'hostkey.mismatch'
  | 'recording.sealed'
  | 'recording.failure'
  | 'review.view';

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly payload: { readonly [key: string]: JsonValue };
}

/**
 * Deterministic JSON: object keys sorted, no whitespace. The audit chain hashes this text, so it
 * must never change for a stored event.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: JsonValue) => canonicalJson(v)).join(',')}]`;
  const obj = value as { readonly [key: string]: JsonValue };
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k] ?? null)}`).join(',')}}`;
}
