/** One event of every type, built by its constructor: input for table-driven audit tests. */
import { auditEvents, type AuditEvent, type AuditEventType } from '../../src/core/audit-events.js';
import type { GrantId, NdaId, SessionId, TargetId, UserId } from '../../src/core/model.js';

const userId = 3 as UserId;
const targetId = 4 as TargetId;
const ndaId = 5 as NdaId;
const grantId = 6 as GrantId;
const sessionId = 'f47ac10b-58cc-4372-a567-0e02b2c3d479' as SessionId;
const session = { sessionId, grantId, user: 'alice', target: 'db1' };
const remoteAddr = '192.0.2.7';
const fingerprint = 'SHA256:sample';

export const sampleAuditEvents: {
  readonly [T in AuditEventType]: Extract<AuditEvent, { type: T }>;
} = {
  'user.create': auditEvents.userCreate({ user: 'alice', userId, fingerprint }),
  'user.disable': auditEvents.userDisable({ user: 'alice', userId }),
  'user.enable': auditEvents.userEnable({ user: 'alice', userId }),
  'user.key.add': auditEvents.userKeyAdd({ user: 'alice', userId, fingerprint }),
  'user.key.remove': auditEvents.userKeyRemove({ user: 'alice', userId, fingerprint }),
  'nda.create': auditEvents.ndaCreate({
    ndaId,
    user: 'alice',
    title: 'NDA',
    ref: 'NDA-1',
    signedAt: 1,
    expiresAt: null,
    documentSha256: null,
  }),
  'nda.revoke': auditEvents.ndaRevoke({ ndaId, reason: 'contract ended' }),
  'target.create': auditEvents.targetCreate({
    target: 'db1',
    targetId,
    kind: 'ssh',
    host: '10.0.0.5',
    port: 22,
    login: 'ops',
    hostKey: null,
  }),
  'target.remove': auditEvents.targetRemove({ target: 'db1', targetId }),
  'target.pin': auditEvents.targetPin({
    target: 'db1',
    targetId,
    previous: null,
    hostKey: 'ssh-ed25519 AAAA',
  }),
  'target.set': auditEvents.targetSet({
    target: 'psql-prod',
    targetId,
    previous: null,
    runAs: 'gatehouse-psql',
  }),
  'grant.create': auditEvents.grantCreate({
    grantId,
    user: 'alice',
    target: 'db1',
    ndaId,
    startsAt: 1,
    endsAt: 2,
    mode: 'commands',
    allowlist: ['uptime'],
    reason: 'INC-1',
  }),
  'grant.revoke': auditEvents.grantRevoke({ grantId, reason: 'done' }),
  'reviewer.create': auditEvents.reviewerCreate({ reviewer: 'vera', password: true }),
  'reviewer.link.create': auditEvents.reviewerLinkCreate({ reviewer: 'vera', expiresAt: 3 }),
  'auth.success': auditEvents.authSuccess({
    user: 'alice',
    target: 'db1',
    fingerprint,
    method: 'publickey',
    grantIds: [grantId],
    remoteAddr,
  }),
  'auth.failure': auditEvents.authFailure({
    login: 'mallory',
    user: 'mallory',
    target: null,
    fingerprint,
    reason: 'user.unknown',
    remoteAddr,
  }),
  'auth.failure.aggregate': auditEvents.authFailureAggregate({
    remoteAddr,
    count: 40,
    firstAt: 1_800_000_000_000,
    lastAt: 1_800_000_030_000,
    reasons: [{ reason: 'user.unknown', count: 40 }],
    logins: ['root', 'admin'],
    moreLogins: true,
  }),
  'nda.acknowledge': auditEvents.ndaAcknowledge({ grantId, ndaId, userId }),
  'session.start': auditEvents.sessionStart({
    ...session,
    kind: 'exec',
    command: "'uptime'",
    pty: false,
    remoteAddr,
  }),
  'session.end': auditEvents.sessionEnd({
    ...session,
    reason: 'closed',
    exitStatus: 0,
    bytesIn: 10,
    bytesOut: 20,
    stdin: { bytes: 10, sha256: 'ab'.repeat(32) },
  }),
  'session.kill': auditEvents.sessionKill({ sessionId }),
  'session.warning': auditEvents.sessionWarning({ sessionId, grantId, minutesLeft: 5 }),
  'connection.end': auditEvents.connectionEnd({
    user: 'alice',
    remoteAddr,
    reason: 'revoked',
    grantIds: [grantId],
  }),
  'exec.allowed': auditEvents.execAllowed({
    grantId,
    user: 'alice',
    target: 'db1',
    argv: ['uptime'],
    pattern: 'uptime',
  }),
  'exec.denied': auditEvents.execDenied({
    grantId,
    user: 'alice',
    target: 'db1',
    reason: 'file_transfer',
    detail: 'file transfer is not offered',
  }),
  'channel.denied': auditEvents.channelDenied({
    kind: 'direct-tcpip',
    user: 'alice',
    remoteAddr,
    destHost: '10.0.0.9',
    destPort: 5432,
  }),
  'hostkey.mismatch': auditEvents.hostkeyMismatch({
    user: 'alice',
    target: 'db1',
    host: '10.0.0.5',
    port: 22,
    pinned: 'ssh-ed25519 AAAA',
    presented: 'ssh-ed25519 BBBB',
  }),
  'recording.sealed': auditEvents.recordingSealed({
    ...session,
    path: '2026/01/02/x.cast',
    sha256: 'a'.repeat(64),
    bytes: 100,
    events: 3,
  }),
  'recording.failure': auditEvents.recordingFailure({
    ...session,
    mode: 'strict',
    stage: 'open',
    problem: 'disk full',
  }),
  'review.view': auditEvents.reviewView({ reviewer: 'vera', view: 'session', sessionId }),
  'reviewer.login': auditEvents.reviewerLogin({ reviewer: 'vera', method: 'password', remoteAddr }),
  'reviewer.login.failure': auditEvents.reviewerLoginFailure({
    login: 'vera',
    method: 'password',
    reason: 'password.wrong',
    remoteAddr,
  }),
  'reviewer.logout': auditEvents.reviewerLogout({ reviewer: 'vera' }),
  'checkpoint.sink.failure': auditEvents.checkpointSinkFailure({
    sink: 'webhook',
    seq: 1000,
    problem: 'HTTP 503',
  }),
  'bastion.hostkey.rotate': auditEvents.bastionHostkeyRotate({
    oldKeyId: 'SHA256:old',
    newKeyId: 'SHA256:new',
    retiredPublicKey: '/var/lib/gatehouse/keys/retired/ssh_host_ed25519_key.1.pub',
  }),
  'evidence.export': auditEvents.evidenceExport({
    grantId,
    sha256: 'e'.repeat(64),
    bytes: 20480,
    throughSeq: 42,
    sessionCount: 1,
    missingRecordings: 0,
  }),
};
