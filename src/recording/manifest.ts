/**
 * Signed manifest beside each recording (`<uuid>.cast.manifest.json`). The Ed25519 signature
 * covers canonicalJson of every other field, so neither the file's hash nor its place can be
 * changed without the bastion's private key. A transfer session with `recordings.keepTransfers`
 * also lists its kept copies (`keptTransfers`, each copy's name, size and sha256) under the same
 * signature; a manifest without them signs exactly the bytes it always did.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { canonicalJson, type JsonValue } from '../core/canonical-json.js';
import { GatehouseError } from '../core/errors.js';
import { parseKeptTransfers, type KeptTransfers } from '../core/kept-transfers.js';
import { manifestPathOf, resolveRecordingPath, sessionIdOfRelativePath } from './recording-path.js';

export interface ManifestFields {
  readonly sessionId: string;
  /** Relative to the recordings dir: `YYYY/MM/DD/<uuid>.cast`. */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly events: number;
  /** Epoch ms. */
  readonly sealedAt: number;
  /** A transfer session's kept copies (recordings.keepTransfers); absent when none were kept. */
  readonly keptTransfers?: KeptTransfers;
}

export interface Manifest extends ManifestFields {
  readonly algorithm: 'ed25519';
  /** base64 Ed25519 signature over canonicalJson of all other fields. */
  readonly signature: string;
}

const signedBytes = (m: ManifestFields & { algorithm: 'ed25519' }): Buffer =>
  Buffer.from(
    canonicalJson({
      algorithm: m.algorithm,
      bytes: m.bytes,
      events: m.events,
      path: m.path,
      sealedAt: m.sealedAt,
      sessionId: m.sessionId,
      sha256: m.sha256,
      ...(m.keptTransfers === undefined
        ? {}
        : { keptTransfers: m.keptTransfers as unknown as JsonValue }),
    }),
    'utf8',
  );

export function signManifest(fields: ManifestFields, privateKey: KeyObject): Manifest {
  if (privateKey.asymmetricKeyType !== 'ed25519' || privateKey.type !== 'private') {
    throw new GatehouseError(
      'invalid',
      'recording: the manifest key must be an Ed25519 private key',
    );
  }
  const unsigned = { ...pickFields(fields), algorithm: 'ed25519' as const };
  return {
    ...unsigned,
    signature: sign(null, signedBytes(unsigned), privateKey).toString('base64'),
  };
}

export function verifyManifestSignature(manifest: Manifest, publicKey: KeyObject): boolean {
  try {
    return verify(
      null,
      signedBytes(manifest),
      publicKey,
      Buffer.from(manifest.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * Signs and writes the manifest beside the recording (`dir` + `fields.path`), durably, never
 * replacing an existing one (a second seal of the same recording is a fault).
 */
export async function writeManifest(
  dir: string,
  fields: ManifestFields,
  privateKey: KeyObject,
): Promise<Manifest> {
  const castPath = resolveRecordingPath(dir, fields.path);
  if (castPath === null || sessionIdOfRelativePath(fields.path) !== fields.sessionId) {
    throw new GatehouseError('invalid', 'recording: manifest path does not match the session id');
  }
  const manifest = signManifest(fields, privateKey);
  const target = manifestPathOf(castPath);
  const tmp = `${target}.${process.pid}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, target); // atomic and fails with EEXIST instead of overwriting
  } finally {
    await unlink(tmp);
  }
  return manifest;
}

export type ManifestRead =
  | { readonly ok: true; readonly manifest: Manifest }
  | { readonly ok: false; readonly problem: string };

export async function readManifest(castPath: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(manifestPathOf(castPath), 'utf8');
  } catch (err) {
    return {
      ok: false,
      problem: `manifest cannot be read (${(err as { code?: string }).code ?? 'error'})`,
    };
  }
  return parseManifest(text);
}

/** A manifest file's text as a manifest (field types checked, the signature not). */
export function parseManifest(text: string): ManifestRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'manifest is not valid JSON' };
  }
  const m = raw as Record<string, unknown> | null;
  const ok =
    typeof m === 'object' &&
    m !== null &&
    typeof m['sessionId'] === 'string' &&
    typeof m['path'] === 'string' &&
    typeof m['sha256'] === 'string' &&
    typeof m['signature'] === 'string' &&
    Number.isSafeInteger(m['bytes']) &&
    Number.isSafeInteger(m['events']) &&
    Number.isSafeInteger(m['sealedAt']) &&
    m['algorithm'] === 'ed25519';
  if (!ok) return { ok: false, problem: 'manifest fields are missing or of the wrong type' };
  const kept =
    m['keptTransfers'] === undefined ? undefined : parseKeptTransfers(m['keptTransfers']);
  if (kept === null) return { ok: false, problem: 'manifest keptTransfers is not valid' };
  return {
    ok: true,
    manifest: {
      ...pickFields({
        ...(m as unknown as ManifestFields),
        ...(kept === undefined ? {} : { keptTransfers: kept }),
      }),
      algorithm: 'ed25519',
      signature: m['signature'] as string,
    },
  };
}

function pickFields(f: ManifestFields): ManifestFields {
  return {
    sessionId: f.sessionId,
    path: f.path,
    sha256: f.sha256,
    bytes: f.bytes,
    events: f.events,
    sealedAt: f.sealedAt,
    ...(f.keptTransfers === undefined ? {} : { keptTransfers: f.keptTransfers }),
  };
}
