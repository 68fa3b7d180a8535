/**
 * `evidence.json`, the first member of an evidence file: what the file holds (every other member
 * with its sha256 and size, in order), which grant and NDA it is about, the audit segment and the
 * seqs in it about the grant, each session and its recording (or the gap where it is missing),
 * and the public keys. It is signed with the bastion's key, so no byte of it, and through the
 * member hashes no byte of the file, can change unnoticed.
 */
import { z } from 'zod';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';

export const EVIDENCE_FORMAT = 'gatehouse-evidence';
export const EVIDENCE_VERSION = 1;
const INDEX_SIGNED_KIND = 'gatehouse-evidence-index';

export const INDEX_MEMBER = 'evidence.json';
export const CHECKPOINT_MEMBER = 'audit/checkpoint.json';
export const EVENTS_MEMBER = 'audit/events.jsonl';
export const NDA_MEMBER = 'nda.json';
export const GRANT_MEMBER = 'grant.json';
export const castMember = (sessionId: string): string => `sessions/${sessionId}.cast`;
export const manifestMember = (sessionId: string): string =>
  `sessions/${sessionId}.cast.manifest.json`;
/** A transfer session's log (issue 16), checked against the chain's transfer events. */
export const transfersMember = (sessionId: string): string =>
  `sessions/${sessionId}.transfers.json`;
/** A transfer session's kept copy of a file (recordings.keepTransfers), as its manifest names it. */
export const keptMember = (sessionId: string, file: string): string =>
  `sessions/${sessionId}.kept/${file}`;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const id = z.number().int().positive();
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const indexSchema = z
  .object({
    format: z.literal(EVIDENCE_FORMAT),
    v: z.literal(EVIDENCE_VERSION),
    createdAt: z.number().int(),
    grantId: id,
    ndaId: id,
    /** The contiguous chain segment in audit/events.jsonl, ending at the checkpoint's seq. */
    segment: z.object({ firstSeq: id, lastSeq: id }).strict(),
    /** Seqs of the events about the grant (grant-scope.ts), ascending. */
    aboutGrant: z.array(id),
    sessions: z.array(
      z
        .object({
          sessionId: uuid,
          /** The key that signed its manifest; null with a gap. */
          keyId: z.string().nullable(),
          /** Why its recording is not in the file (`--allow-missing`); null when it is. */
          gap: z.string().nullable(),
          /** Present (true) when the file holds the session's transfer log; absent: no log. */
          transfers: z.literal(true).optional(),
          /** The kept copies the file holds, as the session's manifest names them; absent: none. */
          kept: z
            .array(z.string().regex(/^[0-9]{6}$/))
            .min(1)
            .optional(),
        })
        .strict(),
    ),
    /** OpenSSH public key lines by fingerprint: the signer of this index first. */
    keys: z.array(z.object({ keyId: z.string(), publicKey: z.string().max(1000) }).strict()).min(1),
    members: z.array(
      z
        .object({ name: z.string(), sha256: sha256Hex, bytes: z.number().int().nonnegative() })
        .strict(),
    ),
    signature: z.string().max(200),
  })
  .strict();

export type EvidenceIndex = z.infer<typeof indexSchema>;
export type EvidenceMember = EvidenceIndex['members'][number];
export type EvidenceSession = EvidenceIndex['sessions'][number];
export type UnsignedIndex = Omit<EvidenceIndex, 'signature'>;

/** The bytes the index signature covers (the signer is `keys[0]`). */
export function indexSignedBytes(index: UnsignedIndex): Buffer {
  const { format, v, createdAt, grantId, ndaId, segment, aboutGrant, sessions, keys, members } =
    index;
  const signed = { kind: INDEX_SIGNED_KIND, format, v, createdAt, grantId, ndaId, segment };
  // `transfers` and `kept` only where present, so files without them sign what they always did.
  const signedSessions = sessions.map(({ transfers, kept, ...s }) => ({
    ...s,
    ...(transfers === true ? { transfers } : {}),
    ...(kept === undefined ? {} : { kept }),
  }));
  const body = { ...signed, aboutGrant, sessions: signedSessions, keys, members };
  return Buffer.from(canonicalJson(body), 'utf8');
}

/**
 * The one text of a JSON member: keys sorted, two-space indent, final newline. A member is
 * accepted only in this form, so a changed space is as visible as a changed value.
 */
export function jsonMemberText(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value as JsonValue)), null, 2)}\n`;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** A JSON member's value, when it is valid JSON in exactly its one text. */
export function parseJsonMember(text: string): Parsed<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  if (jsonMemberText(value) !== text)
    return { ok: false, problem: 'not in canonical form (edited)' };
  return { ok: true, value };
}

export function parseIndex(text: string): Parsed<EvidenceIndex> {
  const json = parseJsonMember(text);
  if (!json.ok) return json;
  const index = indexSchema.safeParse(json.value);
  if (!index.success) {
    const issue = index.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    return { ok: false, problem: `field ${where || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: index.data };
}

/**
 * The members after the index, in their order: audit, rows, then each session's recording pair
 * (unless a gap), its kept copies and its transfer log (when it has them).
 */
export function expectedMembers(sessions: readonly EvidenceSession[]): string[] {
  const perSession = sessions.flatMap((s) => [
    ...(s.gap === null ? [manifestMember(s.sessionId), castMember(s.sessionId)] : []),
    ...(s.kept ?? []).map((file) => keptMember(s.sessionId, file)),
    ...(s.transfers === true ? [transfersMember(s.sessionId)] : []),
  ]);
  return [CHECKPOINT_MEMBER, EVENTS_MEMBER, NDA_MEMBER, GRANT_MEMBER, ...perSession];
}
