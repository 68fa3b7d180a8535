/**
 * What a notified event is about (core/notification.ts EventSubject), looked up inside the
 * queueing transaction: the payloads of request.approved, grant.revoke or session.kill name only
 * an id. Names and the request a grant came from never change; a request's grant is the one it
 * has when the event is queued.
 */
import type { AuditRecord, GrantId, RequestId, SessionId } from '../core/model.js';
import type { EventSubject } from '../core/notification.js';
import type { SqlConnection } from './sql-connection.js';

interface SubjectRow {
  user: string | null;
  target: string | null;
  request_id: number | null;
  grant_id: number | null;
}

const idIn = (p: Readonly<Record<string, unknown>>, key: string): number | null =>
  typeof p[key] === 'number' && Number.isSafeInteger(p[key]) ? p[key] : null;

const textIn = (p: Readonly<Record<string, unknown>>, key: string): string | null =>
  typeof p[key] === 'string' ? p[key] : null;

const NONE: EventSubject = {
  user: null,
  target: null,
  requestId: null,
  grantId: null,
  sessionId: null,
};

const BY_REQUEST = `SELECT u.name AS user, t.name AS target, r.id AS request_id, r.grant_id
  FROM requests r JOIN users u ON u.id = r.user_id JOIN targets t ON t.id = r.target_id
  WHERE r.id = ?`;
const BY_GRANT = `SELECT u.name AS user, t.name AS target, g.request_id, g.id AS grant_id
  FROM grants g JOIN users u ON u.id = g.user_id JOIN targets t ON t.id = g.target_id
  WHERE g.id = ?`;
const BY_SESSION = `SELECT u.name AS user, t.name AS target, g.request_id, g.id AS grant_id
  FROM sessions s JOIN users u ON u.id = s.user_id JOIN targets t ON t.id = s.target_id
  JOIN grants g ON g.id = s.grant_id WHERE s.id = ?`;

async function lookup(db: SqlConnection, sql: string, id: string | number): Promise<EventSubject> {
  const row = await db.get<SubjectRow>(sql, [id]);
  if (!row) return NONE;
  return {
    user: row.user,
    target: row.target,
    requestId: row.request_id as RequestId | null,
    grantId: row.grant_id as GrantId | null,
    sessionId: null,
  };
}

export async function eventSubject(db: SqlConnection, record: AuditRecord): Promise<EventSubject> {
  const p = record.payload;
  if (record.type.startsWith('request.')) {
    const requestId = idIn(p, 'requestId');
    if (requestId === null) return NONE;
    const found = await lookup(db, BY_REQUEST, requestId);
    return {
      ...found,
      // request.created and request.expired name them too.
      user: found.user ?? textIn(p, 'user'),
      target: found.target ?? textIn(p, 'target'),
      requestId: requestId as RequestId,
    };
  }
  if (record.type.startsWith('grant.')) {
    const grantId = idIn(p, 'grantId');
    if (grantId === null) return NONE;
    const found = await lookup(db, BY_GRANT, grantId);
    // The request the payload names wins: an approved extension links to itself, not to the
    // request that made the grant.
    const named = idIn(p, 'requestId');
    return {
      ...found,
      grantId: grantId as GrantId,
      requestId: named === null ? found.requestId : (named as RequestId),
    };
  }
  const aboutSession = record.type === 'session.kill' || record.type === 'session.flagged';
  if (aboutSession && typeof p['sessionId'] === 'string') {
    const sessionId = p['sessionId'] as SessionId;
    return { ...(await lookup(db, BY_SESSION, sessionId)), sessionId };
  }
  return NONE;
}
