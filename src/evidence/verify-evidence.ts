/**
 * `gatehouse evidence verify`: checks an evidence file with nothing but the file (no config, no
 * database, no bastion). The index is checked first (its form, its keys, its signature, the
 * pinned key), then each member as it streams past, in the order the index lists them: the signed
 * checkpoint, the chain segment (every hash recomputed, ending at the checkpoint), the NDA and
 * grant rows against the events that made them, each manifest (signature, recording.sealed event)
 * and recording (sha256 and size against the manifest), each kept copy of a transferred file
 * (against its manifest entry), and every member's sha256 against the index. The first problem
 * is thrown as an EvidenceProblem naming the item.
 */
import { parseCheckpoint, type AuditCheckpoint } from '../core/audit-checkpoint.js';
import { isRetentionPrune } from '../core/retention.js';
import { checkpointSignatureCheck } from '../keys/checkpoint-signature.js';
import { keyringOf, type Keyring } from '../keys/keyring.js';
import { verifiesBase64, verifyingKeyFromLine } from '../keys/signing-key.js';
import { keptFileLabel } from '../recording/kept-files-check.js';
import { parseManifest, verifyManifestSignature, type Manifest } from '../recording/manifest.js';
import { checkEvidenceRows } from './evidence-rows.js';
import { EvidenceProblem } from './evidence-problem.js';
import {
  castMember,
  CHECKPOINT_MEMBER,
  EVENTS_MEMBER,
  expectedMembers,
  GRANT_MEMBER,
  INDEX_MEMBER,
  indexSignedBytes,
  keptMember,
  manifestMember,
  NDA_MEMBER,
  parseIndex,
  parseJsonMember,
  transfersMember,
  type EvidenceIndex,
  type EvidenceMember,
} from './evidence-index.js';
import { GrantScope } from './grant-scope.js';
import { BufferSink, HashingSink } from './member-sinks.js';
import { SegmentCheck, type SegmentSummary } from './segment-check.js';
import { checkTransferLog, transferEventsOf } from './transfer-log-member.js';
import { walkUstar, type MemberHeader, type MemberSink } from './ustar.js';

const MAX_INDEX_BYTES = 16 * 1024 * 1024;
const MAX_JSON_MEMBER_BYTES = 1024 * 1024;
/** A manifest listing kept copies: at most MAX_KEPT_ENTRIES entries, paths cut at 1 KiB. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** About 60,000 entries; its size is signed in the index before a byte of it is read. */
const MAX_TRANSFER_LOG_BYTES = 16 * 1024 * 1024;

export interface EvidenceSummary {
  readonly grantId: number;
  readonly ndaId: number;
  /** The signer of the index and the checkpoint. */
  readonly keyId: string;
  readonly events: { readonly firstSeq: number; readonly lastSeq: number; readonly about: number };
  readonly checkpoint: { readonly seq: number; readonly at: number; readonly keyId: string };
  readonly sessions: number;
  /** Transfer sessions' logs checked against the chain (sessions/<id>.transfers.json). */
  readonly transferLogs: number;
  /** Sessions without their recording because retention pruned it, as the segment proves. */
  readonly prunedRecordings: number;
}

/** The segment holds retention's `recording.pruned` of the session. */
const prunedIn = (segment: SegmentSummary, sessionId: string): boolean =>
  segment.about.some((e) => isRetentionPrune(e, sessionId));

export interface VerifyOptions {
  /** The fingerprint the auditor expects (`--key`); a file signed by another key fails. */
  readonly pinnedKeyId?: string;
  /** Accept sessions exported without their recording (the export's own check with --allow-missing). */
  readonly allowGaps?: boolean;
}

function checkIndex(index: EvidenceIndex, options: VerifyOptions): Keyring {
  const keys = index.keys.map((k, i) => {
    const key = verifyingKeyFromLine(k.publicKey);
    if (key === null || key.keyId !== k.keyId)
      throw new EvidenceProblem(INDEX_MEMBER, `key ${i + 1} is not the ssh-ed25519 key ${k.keyId}`);
    return key;
  });
  const signer = keys[0];
  if (signer === undefined) throw new EvidenceProblem(INDEX_MEMBER, 'names no key');
  if (options.pinnedKeyId !== undefined && signer.keyId !== options.pinnedKeyId)
    throw new EvidenceProblem(
      'key',
      `the file is signed by ${signer.keyId}, not by the pinned key ${options.pinnedKeyId}`,
    );
  if (!verifiesBase64(signer, indexSignedBytes(index), index.signature))
    throw new EvidenceProblem(INDEX_MEMBER, `signature does not verify with ${signer.keyId}`);
  const names = index.members.map((m) => m.name);
  const expected = expectedMembers(index.sessions);
  if (names.join('\n') !== expected.join('\n'))
    throw new EvidenceProblem(INDEX_MEMBER, 'its members do not match its sessions');
  return keyringOf(keys);
}

/** The per-file state of one verification walk. */
class EvidenceCheck {
  private index: EvidenceIndex | null = null;
  private keyring: Keyring | null = null;
  private scope: GrantScope | null = null;
  private segment: SegmentSummary | null = null;
  private checkpoint: AuditCheckpoint | null = null;
  private readonly manifests = new Map<string, Manifest>();
  private position = 0;

  constructor(private readonly options: VerifyOptions) {}

  member(header: MemberHeader): MemberSink {
    const at = this.position;
    this.position += 1;
    if (at === 0) {
      if (header.name !== INDEX_MEMBER)
        throw new EvidenceProblem('tar', `the first member is ${header.name}, not ${INDEX_MEMBER}`);
      return new BufferSink(INDEX_MEMBER, MAX_INDEX_BYTES, (text) => this.readIndex(text));
    }
    const index = this.ready();
    const listed = index.members[at - 1];
    if (listed?.name !== header.name) {
      const known = index.members.some((m) => m.name === header.name);
      throw new EvidenceProblem(
        'tar',
        known ? `${header.name} is out of order or repeated` : `unexpected member ${header.name}`,
      );
    }
    if (header.size !== listed.bytes)
      throw new EvidenceProblem(
        header.name,
        `${header.size} bytes, the index says ${listed.bytes}`,
      );
    const castOf = index.sessions.find((s) => castMember(s.sessionId) === listed.name);
    const keptOf = index.sessions.find((s) =>
      s.kept?.some((file) => keptMember(s.sessionId, file) === listed.name),
    );
    return new HashingSink(this.contentSink(listed), (sha256, bytes) => {
      if (castOf !== undefined) this.checkCast(castOf.sessionId, sha256, bytes);
      if (keptOf !== undefined) this.checkKept(keptOf.sessionId, listed.name, sha256, bytes);
      if (sha256 !== listed.sha256)
        throw new EvidenceProblem(listed.name, 'sha256 does not match the index');
    });
  }

  /** After the walk: every listed member was there, and no recording is missing. */
  finish(): EvidenceSummary {
    const index = this.ready();
    const missing = index.members[this.position - 1];
    if (missing !== undefined) throw new EvidenceProblem('tar', `missing member ${missing.name}`);
    const { segment, checkpoint } = this;
    if (segment === null || checkpoint === null)
      throw new EvidenceProblem('tar', 'missing the audit members');
    for (const s of index.sessions) {
      const events = transferEventsOf(segment, s.sessionId);
      if (s.transfers !== true && events.length > 0)
        throw new EvidenceProblem(
          transfersMember(s.sessionId),
          `missing: the segment has ${events.length} transfer events of the session`,
        );
      if (s.gap !== null && this.options.allowGaps !== true && !prunedIn(segment, s.sessionId))
        throw new EvidenceProblem(
          `sessions/${s.sessionId}`,
          `recording missing at export (${s.gap}); the evidence is incomplete`,
        );
    }
    return {
      grantId: index.grantId,
      ndaId: index.ndaId,
      keyId: index.keys[0]?.keyId ?? '',
      events: { firstSeq: segment.firstSeq, lastSeq: segment.lastSeq, about: segment.about.length },
      checkpoint: { seq: checkpoint.seq, at: checkpoint.at, keyId: checkpoint.keyId },
      sessions: index.sessions.length,
      transferLogs: index.sessions.filter((s) => s.transfers === true).length,
      prunedRecordings: index.sessions.filter(
        (s) => s.gap !== null && prunedIn(segment, s.sessionId),
      ).length,
    };
  }

  private ready(): EvidenceIndex {
    if (this.index === null) throw new EvidenceProblem('tar', `no ${INDEX_MEMBER}`);
    return this.index;
  }

  private readIndex(text: string): void {
    const parsed = parseIndex(text);
    if (!parsed.ok) throw new EvidenceProblem(INDEX_MEMBER, parsed.problem);
    this.keyring = checkIndex(parsed.value, this.options);
    this.index = parsed.value;
    this.scope = new GrantScope(parsed.value.grantId, parsed.value.ndaId);
  }

  private json(member: EvidenceMember, limit: number, done: (value: unknown) => void): MemberSink {
    return new BufferSink(member.name, limit, (text) => {
      const parsed = parseJsonMember(text);
      if (!parsed.ok) throw new EvidenceProblem(member.name, parsed.problem);
      done(parsed.value);
    });
  }

  private contentSink(member: EvidenceMember): MemberSink | null {
    switch (member.name) {
      case CHECKPOINT_MEMBER:
        return this.json(member, MAX_JSON_MEMBER_BYTES, (v) => this.readCheckpoint(v));
      case EVENTS_MEMBER:
        return this.eventsSink();
      case NDA_MEMBER:
      case GRANT_MEMBER:
        return this.json(member, MAX_JSON_MEMBER_BYTES, (v) =>
          checkEvidenceRows(member.name, v, this.ready(), this.segmentSummary()),
        );
    }
    const sessions = this.ready().sessions;
    const log = sessions.find((s) => member.name === transfersMember(s.sessionId));
    if (log !== undefined)
      return this.json(member, MAX_TRANSFER_LOG_BYTES, (v) =>
        checkTransferLog(log.sessionId, v, this.segmentSummary()),
      );
    const session = sessions.find((s) => member.name === manifestMember(s.sessionId));
    // Recordings are hashed by member(); expectedMembers() allows nothing else.
    if (session === undefined) return null;
    return new BufferSink(member.name, MAX_MANIFEST_BYTES, (text) =>
      this.readManifest(member.name, session.sessionId, session.keyId, text),
    );
  }

  private segmentSummary(): SegmentSummary {
    if (this.segment === null) throw new EvidenceProblem('tar', `${EVENTS_MEMBER} comes later`);
    return this.segment;
  }

  private readCheckpoint(value: unknown): void {
    const cp = parseCheckpoint(value);
    if (cp === null) throw new EvidenceProblem(CHECKPOINT_MEMBER, 'not a signed checkpoint');
    const check = checkpointSignatureCheck(this.keyring ?? keyringOf([]))(cp);
    if (check === 'unknown_key')
      throw new EvidenceProblem(
        CHECKPOINT_MEMBER,
        `signed by ${cp.keyId}, a key the file does not hold`,
      );
    if (check !== 'valid')
      throw new EvidenceProblem(CHECKPOINT_MEMBER, `signature does not verify with ${cp.keyId}`);
    const segment = this.ready().segment;
    if (cp.seq !== segment.lastSeq)
      throw new EvidenceProblem(
        CHECKPOINT_MEMBER,
        `covers seq ${cp.seq}, the segment ends at seq ${segment.lastSeq}`,
      );
    this.checkpoint = cp;
  }

  private eventsSink(): MemberSink {
    const scope = this.scope ?? new GrantScope(0, 0);
    const check = new SegmentCheck(scope);
    return {
      write: (chunk) => check.write(chunk),
      end: () => {
        check.end();
        this.segment = check.summary();
        this.checkSegment(this.segment, scope);
      },
    };
  }

  private checkSegment(segment: SegmentSummary, scope: GrantScope): void {
    const index = this.ready();
    const cp = this.checkpoint;
    if (cp === null) throw new EvidenceProblem('tar', `${CHECKPOINT_MEMBER} comes later`);
    if (segment.firstSeq !== index.segment.firstSeq || segment.lastSeq !== index.segment.lastSeq)
      throw new EvidenceProblem(
        EVENTS_MEMBER,
        `holds seq ${segment.firstSeq}..${segment.lastSeq}, the index says ${index.segment.firstSeq}..${index.segment.lastSeq}`,
      );
    if (segment.lastHash !== cp.hash)
      throw new EvidenceProblem(
        `${EVENTS_MEMBER} seq ${segment.lastSeq}`,
        `hash differs from the signed checkpoint's (the chain was rewritten)`,
      );
    const about = segment.about.map((e) => e.seq);
    if (about.join(',') !== index.aboutGrant.join(','))
      throw new EvidenceProblem(
        INDEX_MEMBER,
        'the events it lists as about the grant are not the ones the segment has',
      );
    const fromChain = scope.sessionIds;
    const listed = index.sessions.map((s) => s.sessionId);
    if (fromChain.join(',') !== listed.join(','))
      throw new EvidenceProblem(
        INDEX_MEMBER,
        `its sessions are not the grant's session.start events (${fromChain.length} in the chain, ${listed.length} listed)`,
      );
  }

  private readManifest(name: string, sessionId: string, keyId: string | null, text: string): void {
    const parsed = parseManifest(text);
    if (!parsed.ok) throw new EvidenceProblem(name, parsed.problem);
    const m = parsed.manifest;
    if (m.sessionId !== sessionId)
      throw new EvidenceProblem(name, `is the manifest of session ${m.sessionId}`);
    const key = keyId === null ? undefined : this.keyring?.lookup(keyId);
    if (key === undefined || !verifyManifestSignature(m, key.publicKey))
      throw new EvidenceProblem(name, `signature does not verify with ${keyId ?? 'no key'}`);
    const sealed = this.segmentSummary().about.find(
      (e) => e.type === 'recording.sealed' && e.payload['sessionId'] === sessionId,
    );
    if (sealed === undefined)
      throw new EvidenceProblem(name, 'the segment has no recording.sealed event for it');
    if (sealed.payload['sha256'] !== m.sha256 || sealed.payload['bytes'] !== m.bytes)
      throw new EvidenceProblem(
        name,
        `sha256 or size differs from the recording.sealed event (seq ${sealed.seq})`,
      );
    const copies = (m.keptTransfers?.entries ?? []).flatMap((e) => (e.file ? [e.file] : []));
    const listed = this.ready().sessions.find((s) => s.sessionId === sessionId)?.kept ?? [];
    if (copies.join(',') !== listed.join(','))
      throw new EvidenceProblem(name, 'its kept copies are not the ones the index lists');
    this.manifests.set(sessionId, m);
  }

  /** A kept copy of a transferred file against its entry in the signed manifest. */
  private checkKept(sessionId: string, name: string, sha256: string, bytes: number): void {
    const entry = this.manifests
      .get(sessionId)
      ?.keptTransfers?.entries.find(
        (e) => e.file !== null && keptMember(sessionId, e.file) === name,
      );
    if (entry === undefined) throw new EvidenceProblem(name, 'comes before its manifest');
    if (bytes !== entry.keptBytes || sha256 !== entry.keptSha256)
      throw new EvidenceProblem(
        name,
        `${keptFileLabel(entry)} does not match its signed manifest (content edited)`,
      );
  }

  /** A recording against its signed manifest (read just before it). */
  private checkCast(sessionId: string, sha256: string, bytes: number): void {
    const name = castMember(sessionId);
    const m = this.manifests.get(sessionId);
    if (m === undefined) throw new EvidenceProblem(name, 'comes before its manifest');
    if (bytes !== m.bytes)
      throw new EvidenceProblem(name, `${bytes} bytes, its signed manifest says ${m.bytes}`);
    if (sha256 !== m.sha256)
      throw new EvidenceProblem(name, 'sha256 does not match its signed manifest (content edited)');
  }
}

export async function verifyEvidence(
  file: string,
  options: VerifyOptions = {},
): Promise<EvidenceSummary> {
  const check = new EvidenceCheck(options);
  await walkUstar(file, (header) => check.member(header));
  return check.finish();
}
