/** Builders for core domain objects in unit tests: valid by default, override what the case is about. */
import { NO_TRANSFER } from '../../src/core/transfer-rights.js';
import type {
  Grant,
  GrantId,
  Nda,
  NdaId,
  SshTarget,
  TargetId,
  User,
  UserId,
  UserKey,
  UserKeyId,
} from '../../src/core/model.js';

export const T0 = Date.UTC(2026, 10, 15, 12, 0, 0); // 2026-11-15T12:00:00Z, the fixed "now"
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const FINGERPRINT = 'SHA256:alicekeyalicekeyalicekeyalicekeyalicekey000';

export const user = (o: Partial<User> = {}): User => ({
  id: 1 as UserId,
  name: 'alice',
  disabled: false,
  createdAt: T0 - 30 * DAY_MS,
  ...o,
});

export const userKey = (o: Partial<UserKey> = {}): UserKey => ({
  id: 1 as UserKeyId,
  userId: 1 as UserId,
  algorithm: 'ssh-ed25519',
  blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIA',
  fingerprint: FINGERPRINT,
  comment: 'alice@laptop',
  createdAt: T0 - 30 * DAY_MS,
  ...o,
});

export const target = (o: Partial<SshTarget> = {}): SshTarget => ({
  id: 10 as TargetId,
  name: 'db1',
  host: '10.0.0.5',
  port: 22,
  login: 'ops',
  hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB',
  createdAt: T0 - 30 * DAY_MS,
  requires: [],
  ...o,
});

export const nda = (o: Partial<Nda> = {}): Nda => ({
  id: 3 as NdaId,
  userId: 1 as UserId,
  title: 'Acme contractor NDA v3',
  ref: 'NDA-2026-014',
  signedAt: T0 - 10 * DAY_MS,
  expiresAt: T0 + 365 * DAY_MS,
  documentSha256: null,
  revokedAt: null,
  createdAt: T0 - 10 * DAY_MS,
  ...o,
});

export const grant = (o: Partial<Grant> = {}): Grant => ({
  id: 7 as GrantId,
  userId: 1 as UserId,
  targetId: 10 as TargetId,
  ndaId: 3 as NdaId,
  startsAt: T0 - HOUR_MS,
  endsAt: T0 + HOUR_MS,
  mode: 'shell',
  allowlist: [],
  reason: 'INC-4211',
  createdBy: 'root',
  createdAt: T0 - HOUR_MS,
  revokedAt: null,
  revokeReason: null,
  ndaAcknowledgedAt: null,
  requestId: null,
  confirmations: [],
  ndaScopeSha256: null,
  ndaCarriedFrom: null,
  transfer: NO_TRANSFER,
  ...o,
});

/** Strings that must never be accepted as names (issue 2, "Bad input it must survive"). */
export const BAD_NAMES: readonly (readonly [string, string])[] = [
  ['empty', ''],
  ['upper case', 'Alice'],
  ['space inside', 'alice smith'],
  ['leading space', ' alice'],
  ['trailing space', 'alice '],
  ['leading -', '-alice'],
  ['leading digit', '1alice'],
  ['leading dot', '.alice'],
  ['Cyrillic а look-alike', '\u0430lice'],
  ['full-width letters', '\uff41\uff4c\uff49\uff43\uff45'],
  ['accented', 'alicé'],
  ['SQL quotes', "a'; DROP TABLE users;--"],
  ['double quote', 'a"b'],
  ['newline', 'alice\nroot'],
  ['NUL', 'alice\u0000'],
  ['escape sequence', 'alice\u001b[2J'],
  ['colon', 'alice:db1'],
  ['slash', 'a/b'],
  ['65 chars', 'a'.repeat(65)],
  ['10 KB', 'a'.repeat(10_240)],
  ['10 KB of garbage', '\u0000\u00ff\u202e'.repeat(3414)],
];
