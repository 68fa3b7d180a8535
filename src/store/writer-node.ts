/**
 * The node a connection writes as (config `node.name`, issue 17): the `node` of each audit event
 * it appends and of each session it opens. One process is one node, so it is a property of the
 * connection, named once at open (open-store.ts), rather than an argument of the thirty places
 * that append an event. A store whose transactions hand out other connection objects (a pool)
 * names each of them. A connection never named writes null (no node), as before migration 19.
 */
import type { SqlConnection } from './sql-connection.js';

const writerNodes = new WeakMap<SqlConnection, string>();

export function nameWriterNode(db: SqlConnection, node: string): void {
  writerNodes.set(db, node);
}

export function writerNodeOf(db: SqlConnection): string | null {
  return writerNodes.get(db) ?? null;
}
