/**
 * Append-only schema migrations, tracked with PRAGMA user_version. Never edit a released entry:
 * add a new one. Times are INTEGER epoch milliseconds UTC. CHECK constraints are named so
 * sqlite-errors.ts can turn a failure into a domain message.
 */

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

/** A node's name (config `node.name`, issue 17), as the config checks it. */
const NODE_NAME = (column: string): string =>
  `${column} IS NULL OR (length(${column}) BETWEEN 1 AND 63 AND ${column} NOT GLOB '*[^A-Za-z0-9._-]*')`;

const CANONICAL_NAME = (column: string): string =>
  `length(${column}) BETWEEN 1 AND 64 AND ${column} GLOB '[a-z]*' ` +
  `AND ${column} NOT GLOB '*[^a-z0-9._-]*'`;

/** The sessions table's columns as of migration 14 (migration 16 copies them). */
const SESSION_COLUMNS_14 = [
  'id, grant_id, user_id, target_id, started_at, ended_at, end_reason, exit_status',
  'recording_path, bytes, sha256, kill_requested_at, stdin_bytes, stdin_sha256, kind, command',
  'flag_count, kill_reason',
].join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE CONSTRAINT users_name CHECK (${CANONICAL_NAME('name')}),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE user_keys (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id),
  algorithm TEXT NOT NULL CHECK (length(algorithm) > 0),
  blob TEXT NOT NULL CHECK (length(blob) > 0),
  fingerprint TEXT NOT NULL UNIQUE CHECK (fingerprint GLOB 'SHA256:*'),
  comment TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX user_keys_user ON user_keys(user_id);

CREATE TABLE ndas (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id),
  title TEXT NOT NULL,
  ref TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  expires_at INTEGER,
  document_sha256 TEXT CHECK (document_sha256 IS NULL OR length(document_sha256) = 64),
  revoked_at INTEGER,
  revoke_reason TEXT,
  created_at INTEGER NOT NULL,
  CHECK (expires_at IS NULL OR expires_at > signed_at)
) STRICT;
CREATE INDEX ndas_user ON ndas(user_id);

-- Targets are soft-deleted: old grants and sessions still resolve, and the name becomes free.
CREATE TABLE targets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL CONSTRAINT targets_name CHECK (${CANONICAL_NAME('name')}),
  host TEXT NOT NULL CHECK (length(host) > 0),
  port INTEGER NOT NULL CONSTRAINT targets_port CHECK (port BETWEEN 1 AND 65535),
  login TEXT NOT NULL CHECK (length(login) > 0),
  host_key TEXT,
  created_at INTEGER NOT NULL,
  removed_at INTEGER
) STRICT;
CREATE UNIQUE INDEX targets_live_name ON targets(name) WHERE removed_at IS NULL;

CREATE TABLE grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  nda_id INTEGER NOT NULL REFERENCES ndas(id),
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  mode TEXT NOT NULL CONSTRAINT grants_mode CHECK (mode IN ('shell', 'commands')),
  allowlist TEXT NOT NULL DEFAULT '[]'
    CONSTRAINT grants_allowlist CHECK (json_valid(allowlist) AND json_type(allowlist) = 'array'),
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoke_reason TEXT,
  nda_acknowledged_at INTEGER,
  CONSTRAINT grants_window CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX grants_user_target ON grants(user_id, target_id);
CREATE INDEX grants_target ON grants(target_id);
CREATE INDEX grants_nda ON grants(nda_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY CONSTRAINT sessions_id CHECK (length(id) = 36),
  grant_id INTEGER NOT NULL REFERENCES grants(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT CONSTRAINT sessions_end_reason CHECK (end_reason IS NULL OR end_reason IN
    ('closed', 'expired', 'revoked', 'killed', 'shutdown', 'interrupted', 'error')),
  exit_status INTEGER,
  recording_path TEXT,
  bytes INTEGER CHECK (bytes IS NULL OR bytes >= 0),
  sha256 TEXT,
  kill_requested_at INTEGER,
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
CREATE INDEX sessions_live ON sessions(started_at) WHERE ended_at IS NULL;
CREATE INDEX sessions_grant ON sessions(grant_id);

-- No CHECK on payload: verify() must be able to report a row someone made unparsable by hand.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_ts ON audit_events(ts);
CREATE INDEX audit_events_type ON audit_events(type);
`,
  },
  {
    version: 2,
    sql: `
-- Review web page: reviewer accounts and one-time login links (only the token's sha256 is kept).
CREATE TABLE reviewers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE CONSTRAINT reviewers_name CHECK (${CANONICAL_NAME('name')}),
  password_hash TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE reviewer_login_tokens (
  token_sha256 TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  reviewer_id INTEGER NOT NULL REFERENCES reviewers(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX reviewer_login_tokens_reviewer ON reviewer_login_tokens(reviewer_id);
`,
  },
  {
    version: 3,
    sql: `
-- Command targets (issue 7): a program run on the bastion host in a pty. host/login hold '-' and
-- host_key NULL for them (the original columns are NOT NULL; a rebuild is not worth it).
ALTER TABLE targets ADD COLUMN kind TEXT NOT NULL DEFAULT 'ssh'
  CONSTRAINT targets_kind CHECK (kind IN ('ssh', 'command'));
ALTER TABLE targets ADD COLUMN command TEXT
  CONSTRAINT targets_command CHECK (
    (kind = 'ssh' AND command IS NULL)
    OR (kind = 'command' AND json_valid(command) AND json_type(command) = 'array'
        AND json_array_length(command) > 0 AND json_extract(command, '$[0]') GLOB '/*'
        AND host = '-' AND login = '-' AND host_key IS NULL));
ALTER TABLE targets ADD COLUMN env TEXT
  CONSTRAINT targets_env CHECK (
    (kind = 'ssh' AND env IS NULL)
    OR (kind = 'command' AND json_valid(env) AND json_type(env) = 'object'));
`,
  },
  {
    version: 4,
    sql: `
-- The account a command target's program runs as (issue 13). Existing command targets get NULL
-- and are refused at session start until an admin sets one (gatehouse target set --run-as).
ALTER TABLE targets ADD COLUMN run_as TEXT
  CONSTRAINT targets_run_as CHECK (
    run_as IS NULL
    OR (kind = 'command' AND length(run_as) BETWEEN 1 AND 32 AND run_as NOT GLOB '-*'));
`,
  },
  {
    version: 5,
    sql: `
-- Signed checkpoints of the audit chain (core/audit-checkpoint.ts); a copy goes to the external
-- sink. Several checkpoints may name one seq (e.g. at shutdown, then by hand).
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  at INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
) STRICT;
CREATE INDEX audit_checkpoints_seq ON audit_checkpoints(seq);
`,
  },
  {
    version: 6,
    sql: `
-- Issue 13: what a session without a pty received on stdin (an upload such as tar x): its byte
-- count and sha256; NULL under a pty (keystrokes) and for sessions sealed by crash recovery.
ALTER TABLE sessions ADD COLUMN stdin_bytes INTEGER
  CONSTRAINT sessions_stdin_bytes CHECK (stdin_bytes IS NULL OR stdin_bytes >= 0);
ALTER TABLE sessions ADD COLUMN stdin_sha256 TEXT
  CONSTRAINT sessions_stdin_sha256 CHECK (
    (stdin_sha256 IS NULL) = (stdin_bytes IS NULL)
    AND (stdin_sha256 IS NULL OR (length(stdin_sha256) = 64 AND stdin_sha256 NOT GLOB '*[^0-9a-f]*')));
`,
  },
  {
    version: 7,
    sql: `
-- Review page sessions (issue 13): they survive a restart of serve and are shared by every node.
-- Only the sha256 of the cookie's token is kept. Idle and absolute timeouts are settings, applied
-- to created_at and last_seen_at when a session is used.
CREATE TABLE reviewer_sessions (
  token_sha256 TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  reviewer_id INTEGER NOT NULL REFERENCES reviewers(id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reviewer_sessions_reviewer ON reviewer_sessions(reviewer_id);

-- The review page's password throttle (core/reviewer-login.ts): one row per password check,
-- written before the check runs and deleted when the password was right. throttled = 1 marks
-- that a throttled refusal from that source has been audited (once per source and window).
CREATE TABLE reviewer_login_attempts (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  account TEXT,
  at INTEGER NOT NULL,
  throttled INTEGER NOT NULL DEFAULT 0 CHECK (throttled IN (0, 1))
) STRICT;
CREATE INDEX reviewer_login_attempts_source ON reviewer_login_attempts(source, at);
CREATE INDEX reviewer_login_attempts_account ON reviewer_login_attempts(account, at);
CREATE INDEX reviewer_login_attempts_at ON reviewer_login_attempts(at);
`,
  },
  {
    version: 8,
    sql: `
-- Access requests (issue 14): a user asks, approvers decide, an approval makes (or extends) a
-- grant. mode 'profile' keeps the profile's name and the patterns it had when filed.
CREATE TABLE requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CONSTRAINT requests_kind CHECK (kind IN ('grant', 'extend')),
  user_id INTEGER NOT NULL REFERENCES users(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  nda_id INTEGER NOT NULL REFERENCES ndas(id),
  mode TEXT NOT NULL CONSTRAINT requests_mode CHECK (mode IN ('shell', 'allowlist', 'profile')),
  profile TEXT CHECK ((mode = 'profile') = (profile IS NOT NULL)),
  allowlist TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(allowlist) AND json_type(allowlist) = 'array'),
  duration_ms INTEGER NOT NULL CHECK (duration_ms > 0),
  reason TEXT NOT NULL CHECK (length(reason) > 0),
  rule TEXT NOT NULL,
  approvals_required INTEGER NOT NULL CHECK (approvals_required >= 1),
  status TEXT NOT NULL CONSTRAINT requests_status
    CHECK (status IN ('pending', 'approved', 'denied', 'cancelled', 'expired')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER,
  decided_by TEXT,
  decision_note TEXT,
  grant_id INTEGER REFERENCES grants(id),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (kind = 'grant' OR grant_id IS NOT NULL)
) STRICT;
CREATE INDEX requests_user ON requests(user_id, id);
CREATE INDEX requests_pending ON requests(expires_at) WHERE status = 'pending';

-- One row per approver and request: N approvals are N distinct approvers by construction.
CREATE TABLE request_approvals (
  request_id INTEGER NOT NULL REFERENCES requests(id),
  approver TEXT NOT NULL,
  actor TEXT NOT NULL,
  note TEXT NOT NULL,
  for_ms INTEGER CHECK (for_ms IS NULL OR for_ms > 0),
  confirmations TEXT NOT NULL DEFAULT '{}'
    CHECK (json_valid(confirmations) AND json_type(confirmations) = 'object'),
  at INTEGER NOT NULL,
  PRIMARY KEY (request_id, approver)
) STRICT;

ALTER TABLE grants ADD COLUMN request_id INTEGER REFERENCES requests(id);
`,
  },
  {
    version: 9,
    sql: `
-- The pre-access checklist (issue 14): the items a target requires, and each grant's
-- confirmations [{item, note, by}] as made.
ALTER TABLE targets ADD COLUMN requires TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(requires) AND json_type(requires) = 'array');
ALTER TABLE grants ADD COLUMN confirmations TEXT NOT NULL DEFAULT '[]'
  CHECK (json_valid(confirmations) AND json_type(confirmations) = 'array');

-- Scope sign-off: the sha256 of the NDA and scope the user agreed to (core/scope-signoff.ts), and
-- the grant where they typed it when it was carried over to this one.
ALTER TABLE grants ADD COLUMN nda_scope_sha256 TEXT;
ALTER TABLE grants ADD COLUMN nda_carried_from INTEGER REFERENCES grants(id);
CREATE INDEX grants_nda_scope ON grants(nda_id, nda_scope_sha256)
  WHERE nda_scope_sha256 IS NOT NULL;
`,
  },
  {
    version: 10,
    sql: `
-- Notifications (issue 14): serve reads the audit chain after notify_cursor.seq, queues one
-- notify_outbox row per event and webhook and moves the cursor, in one transaction. The cursor
-- starts at the head of the chain as migrated: history is not notified.
CREATE TABLE notify_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;
INSERT INTO notify_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_events;

-- webhook: a hash naming the configured webhook (its URL may hold a token); body: the bytes
-- every attempt sends. A pending row is due at next_at (also the end of a claim's lease).
CREATE TABLE notify_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL UNIQUE CHECK (length(delivery_id) BETWEEN 1 AND 64),
  webhook TEXT NOT NULL CHECK (length(webhook) BETWEEN 1 AND 64),
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CONSTRAINT notify_outbox_status
    CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  finished_at INTEGER,
  problem TEXT,
  CHECK ((status = 'pending') = (finished_at IS NULL)),
  UNIQUE (webhook, seq)
) STRICT;
CREATE INDEX notify_outbox_due ON notify_outbox(next_at) WHERE status = 'pending';
CREATE INDEX notify_outbox_finished ON notify_outbox(finished_at) WHERE status <> 'pending';
`,
  },
  {
    version: 11,
    sql: `
-- Review page accounts get roles (issue 14): 'reviewer' (sessions, replay, search) and
-- 'approver' (access requests), a JSON array of at least one, in the order of
-- core/reviewer-role.ts. Existing accounts keep what they could do: reviewer.
ALTER TABLE reviewers ADD COLUMN roles TEXT NOT NULL DEFAULT '["reviewer"]'
  CONSTRAINT reviewers_roles CHECK (json_valid(roles) AND json_type(roles) = 'array'
    AND json_array_length(roles) >= 1);
`,
  },
  {
    version: 12,
    sql: `
-- A review page account can be disabled (issue 15): no login by password or link while set.
ALTER TABLE reviewers ADD COLUMN disabled_at INTEGER;
`,
  },
  {
    version: 13,
    sql: `
-- The review page's session list at scale (issue 15): what a row shows, read from the row itself
-- (never from the audit table), and an index for each filter, newest first. kind: 'prompt' is
-- the restricted prompt of a commands grant; command: the exec's command line, bounded
-- (core/session-summary.ts); flag_count: how many times an alert rule flagged the session.
ALTER TABLE sessions ADD COLUMN kind TEXT
  CONSTRAINT sessions_kind CHECK (kind IS NULL OR kind IN ('shell', 'exec', 'prompt'));
ALTER TABLE sessions ADD COLUMN command TEXT
  CONSTRAINT sessions_command CHECK (command IS NULL OR length(command) <= 1024);
ALTER TABLE sessions ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0
  CONSTRAINT sessions_flag_count CHECK (flag_count >= 0);

-- Sessions from before this migration: kind and command from their session.start event.
UPDATE sessions SET
  kind = CASE WHEN b.kind = 'shell'
      AND (SELECT mode FROM grants WHERE id = sessions.grant_id) = 'commands'
    THEN 'prompt' ELSE b.kind END,
  command = CASE WHEN length(b.command) > 1024 THEN substr(b.command, 1, 1023) || '…'
    ELSE b.command END
FROM (
  SELECT json_extract(payload, '$.sessionId') AS id, json_extract(payload, '$.kind') AS kind,
    json_extract(payload, '$.command') AS command
  FROM audit_events WHERE type = 'session.start' AND json_valid(payload)
) AS b
WHERE sessions.id = b.id AND b.kind IN ('shell', 'exec')
  AND (b.command IS NULL OR typeof(b.command) = 'text');

CREATE INDEX sessions_started ON sessions(started_at);
CREATE INDEX sessions_user_started ON sessions(user_id, started_at);
CREATE INDEX sessions_target_started ON sessions(target_id, started_at);
CREATE INDEX sessions_flagged ON sessions(started_at) WHERE flag_count > 0;

-- Search over recorded output: each sealed recording's printed text (recording/searchable-text.ts)
-- in chunks, bounded per session, indexed by an FTS5 trigram index (substring matches, any case).
-- A chunk starts with the previous chunk's last own_from characters, so a match across the cut
-- is whole in one chunk; times: JSON [[offset, ms], …], when the text at offset was printed.
CREATE TABLE recording_text (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  chunk INTEGER NOT NULL CHECK (chunk >= 0),
  own_from INTEGER NOT NULL CHECK (own_from >= 0),
  times TEXT NOT NULL CHECK (json_valid(times)),
  body TEXT NOT NULL,
  UNIQUE (session_id, chunk)
) STRICT;
CREATE VIRTUAL TABLE recording_text_index USING fts5(
  body, content = 'recording_text', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER recording_text_insert AFTER INSERT ON recording_text BEGIN
  INSERT INTO recording_text_index (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER recording_text_delete AFTER DELETE ON recording_text BEGIN
  INSERT INTO recording_text_index (recording_text_index, rowid, body)
    VALUES ('delete', old.id, old.body);
END;
-- Which sessions' recordings are indexed; complete = 0 when the bound cut the text.
CREATE TABLE recording_indexed (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id),
  indexed_at INTEGER NOT NULL,
  chars INTEGER NOT NULL CHECK (chars >= 0),
  complete INTEGER NOT NULL CHECK (complete IN (0, 1))
) STRICT;
`,
  },
  {
    version: 14,
    sql: `
-- Why a live session was ended (issue 15): shown to its user, kept with the kill request.
ALTER TABLE sessions ADD COLUMN kill_reason TEXT
  CONSTRAINT sessions_kill_reason CHECK (kill_reason IS NULL OR length(kill_reason) BETWEEN 1 AND 200);
`,
  },
  {
    version: 15,
    sql: `
-- File transfer rights on grants (issue 16, core/transfer-rights.ts): the direction, the path
-- globs (empty: any path), an optional byte budget over all the grant's sessions, and the bytes
-- taken from it so far. Existing grants allow no transfer.
ALTER TABLE grants ADD COLUMN transfer_direction TEXT NOT NULL DEFAULT 'none'
  CONSTRAINT grants_transfer_direction
    CHECK (transfer_direction IN ('none', 'download', 'upload', 'both'));
ALTER TABLE grants ADD COLUMN transfer_paths TEXT NOT NULL DEFAULT '[]'
  CONSTRAINT grants_transfer_paths
    CHECK (json_valid(transfer_paths) AND json_type(transfer_paths) = 'array');
ALTER TABLE grants ADD COLUMN transfer_budget INTEGER
  CONSTRAINT grants_transfer_budget CHECK (transfer_budget IS NULL OR transfer_budget > 0);
ALTER TABLE grants ADD COLUMN transfer_used INTEGER NOT NULL DEFAULT 0
  CONSTRAINT grants_transfer_used CHECK (transfer_used >= 0);

-- What an access request asks to move (the grant its approval makes carries it).
ALTER TABLE requests ADD COLUMN transfer_direction TEXT NOT NULL DEFAULT 'none'
  CONSTRAINT requests_transfer_direction
    CHECK (transfer_direction IN ('none', 'download', 'upload', 'both'));
ALTER TABLE requests ADD COLUMN transfer_paths TEXT NOT NULL DEFAULT '[]'
  CONSTRAINT requests_transfer_paths
    CHECK (json_valid(transfer_paths) AND json_type(transfer_paths) = 'array');
ALTER TABLE requests ADD COLUMN transfer_budget INTEGER
  CONSTRAINT requests_transfer_budget CHECK (transfer_budget IS NULL OR transfer_budget > 0);
`,
  },
  {
    version: 16,
    sql: `
-- File transfer sessions (issue 16): sessions.kind may be 'sftp'. SQLite cannot alter a CHECK, so
-- the table is made again with its rows and indexes. recording_text and recording_indexed refer to
-- it: their foreign keys are checked at commit, once every session row is back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;
DROP TABLE sessions;
CREATE TABLE sessions (
  id TEXT PRIMARY KEY CONSTRAINT sessions_id CHECK (length(id) = 36),
  grant_id INTEGER NOT NULL REFERENCES grants(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT CONSTRAINT sessions_end_reason CHECK (end_reason IS NULL OR end_reason IN
    ('closed', 'expired', 'revoked', 'killed', 'shutdown', 'interrupted', 'error')),
  exit_status INTEGER,
  recording_path TEXT,
  bytes INTEGER CHECK (bytes IS NULL OR bytes >= 0),
  sha256 TEXT,
  kill_requested_at INTEGER,
  stdin_bytes INTEGER
    CONSTRAINT sessions_stdin_bytes CHECK (stdin_bytes IS NULL OR stdin_bytes >= 0),
  stdin_sha256 TEXT CONSTRAINT sessions_stdin_sha256 CHECK (
    (stdin_sha256 IS NULL) = (stdin_bytes IS NULL)
    AND (stdin_sha256 IS NULL OR (length(stdin_sha256) = 64 AND stdin_sha256 NOT GLOB '*[^0-9a-f]*'))),
  kind TEXT CONSTRAINT sessions_kind
    CHECK (kind IS NULL OR kind IN ('shell', 'exec', 'prompt', 'sftp')),
  command TEXT CONSTRAINT sessions_command CHECK (command IS NULL OR length(command) <= 1024),
  flag_count INTEGER NOT NULL DEFAULT 0 CONSTRAINT sessions_flag_count CHECK (flag_count >= 0),
  kill_reason TEXT CONSTRAINT sessions_kill_reason
    CHECK (kill_reason IS NULL OR length(kill_reason) BETWEEN 1 AND 200),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
INSERT INTO sessions (${SESSION_COLUMNS_14}) SELECT ${SESSION_COLUMNS_14} FROM temp.sessions_kept;
DROP TABLE temp.sessions_kept;
CREATE INDEX sessions_live ON sessions(started_at) WHERE ended_at IS NULL;
CREATE INDEX sessions_grant ON sessions(grant_id);
CREATE INDEX sessions_started ON sessions(started_at);
CREATE INDEX sessions_user_started ON sessions(user_id, started_at);
CREATE INDEX sessions_target_started ON sessions(target_id, started_at);
CREATE INDEX sessions_flagged ON sessions(started_at) WHERE flag_count > 0;
`,
  },
  {
    version: 17,
    sql: `
-- A transfer session's log (issue 16, core/transfer-entries.ts): one row per transfer.file,
-- transfer.change and transfer.denied event, written in the event's transaction (seq is the
-- event's), so the review page, session show and evidence export never read the audit table.
-- op: the direction of a file (download, upload), else the SFTP operation.
CREATE TABLE session_transfers (
  seq INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  ts INTEGER NOT NULL,
  kind TEXT NOT NULL CONSTRAINT session_transfers_kind CHECK (kind IN ('file', 'change', 'denied')),
  op TEXT NOT NULL,
  path TEXT,
  to_path TEXT,
  bytes INTEGER CHECK (bytes IS NULL OR bytes >= 0),
  sha256 TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
  why TEXT,
  CHECK ((kind = 'file') = (bytes IS NOT NULL)),
  CHECK ((kind = 'denied') = (why IS NOT NULL)),
  CHECK (kind = 'denied' OR path IS NOT NULL)
) STRICT;
CREATE INDEX session_transfers_session ON session_transfers(session_id, seq);
-- The session list's kind filter (sftp among them), newest first like the others.
CREATE INDEX sessions_kind_started ON sessions(kind, started_at);

-- The session list's summary of a transfer session ("3 files, 12 MiB"), moved with each
-- transfer.file in its transaction as flag_count is.
ALTER TABLE sessions ADD COLUMN transfer_files INTEGER NOT NULL DEFAULT 0
  CONSTRAINT sessions_transfer_files CHECK (transfer_files >= 0);
ALTER TABLE sessions ADD COLUMN transfer_bytes INTEGER NOT NULL DEFAULT 0
  CONSTRAINT sessions_transfer_bytes CHECK (transfer_bytes >= 0);
`,
  },
  {
    version: 18,
    sql: `
-- Retention and legal holds (issue 17, docs/retention.md). The row stays when its recording is
-- pruned: recording_pruned_at is set with recording.pruned in one transaction, before the files
-- are removed; recording_removed_at once they are gone, so a removal cut short is finished by the
-- next prune. A hold (its reason, who and when) keeps prune away; its history is in the chain.
ALTER TABLE sessions ADD COLUMN recording_pruned_at INTEGER;
ALTER TABLE sessions ADD COLUMN recording_removed_at INTEGER CONSTRAINT sessions_recording_removed
  CHECK (recording_removed_at IS NULL OR recording_pruned_at IS NOT NULL);
ALTER TABLE sessions ADD COLUMN hold_reason TEXT CONSTRAINT sessions_hold_reason
  CHECK (hold_reason IS NULL OR length(hold_reason) BETWEEN 1 AND 200);
ALTER TABLE sessions ADD COLUMN hold_by TEXT CONSTRAINT sessions_hold_by
  CHECK ((hold_by IS NULL) = (hold_reason IS NULL));
ALTER TABLE sessions ADD COLUMN hold_at INTEGER CONSTRAINT sessions_hold_at
  CHECK ((hold_at IS NULL) = (hold_reason IS NULL));
-- The prune scan: ended sessions by age, neither pruned nor held.
CREATE INDEX sessions_prunable ON sessions(ended_at, id)
  WHERE ended_at IS NOT NULL AND recording_pruned_at IS NULL AND hold_at IS NULL;
-- Pruned rows whose files are not yet known to be gone.
CREATE INDEX sessions_prune_unfinished ON sessions(recording_pruned_at, id)
  WHERE recording_pruned_at IS NOT NULL AND recording_removed_at IS NULL;
`,
  },
  {
    version: 19,
    sql: `
-- Several nodes on one database (issue 17): the node that wrote each audit event (hashed into the
-- chain only when set, so events written before stay as they were) and the node holding each
-- session. NULL: written before this migration, or by a store opened without a node name.
ALTER TABLE audit_events ADD COLUMN node TEXT CONSTRAINT audit_events_node CHECK (${NODE_NAME('node')});
ALTER TABLE sessions ADD COLUMN node TEXT CONSTRAINT sessions_node CHECK (${NODE_NAME('node')});
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
