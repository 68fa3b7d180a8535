import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkpointSignatureCheck, signCheckpoint } from '../../src/keys/checkpoint-signature.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import {
  loadKeyring,
  retiredAtOf,
  retiredKeysDir,
  retireHostPublicKey,
} from '../../src/keys/keyring.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { fingerprintOfLine } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const head = { seq: 42, hash: 'ab'.repeat(32) };

describe('checkpoint signatures', () => {
  it('key id is the OpenSSH fingerprint; a checkpoint verifies with the keyring and nothing else', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'keys', 'ssh_host_ed25519_key');
    const pair = await ensureKeyPair(keyPath);
    const key = signingKeyFromOpenSsh(pair.privateKey);
    const { stdout } = await run('ssh-keygen', ['-l', '-f', `${keyPath}.pub`]);
    expect(stdout.split(' ')[1]).toBe(key.keyId);
    expect(key.keyId).toBe(fingerprintOfLine(pair.publicLine));

    const cp = signCheckpoint(head, 1_800_000_000_000, key);
    const check = checkpointSignatureCheck(await loadKeyring(keyPath));
    expect(check(cp)).toBe('valid');
    expect(check({ ...cp, seq: 43 })).toBe('bad_signature');
    expect(check({ ...cp, at: cp.at + 1 })).toBe('bad_signature');
    expect(check({ ...cp, signature: 'AAAA' })).toBe('bad_signature');
    expect(check({ ...cp, keyId: 'SHA256:someoneelse' })).toBe('unknown_key');
  });

  it('a retired key in <key folder>/retired still verifies what it signed', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'keys', 'ssh_host_ed25519_key');
    const old = signingKeyFromOpenSsh((await ensureKeyPair(keyPath)).privateKey);
    const cp = signCheckpoint(head, 1, old);
    await mkdir(retiredKeysDir(keyPath), { recursive: true });
    await rename(`${keyPath}.pub`, path.join(retiredKeysDir(keyPath), 'old.pub'));
    await rename(keyPath, `${keyPath}.gone`);
    const fresh = signingKeyFromOpenSsh((await ensureKeyPair(keyPath)).privateKey);
    const keyring = await loadKeyring(keyPath);
    expect(keyring.keys.map((k) => k.keyId)).toEqual([fresh.keyId, old.keyId]);
    expect(checkpointSignatureCheck(keyring)(cp)).toBe('valid');
  });

  it('a retired key verifies only what is dated up to its retirement; one without a date, anything', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'keys', 'ssh_host_ed25519_key');
    const old = signingKeyFromOpenSsh((await ensureKeyPair(keyPath)).privateKey);
    const retiredAt = Date.parse('2026-12-01T16:40:00.000Z');
    const file = await retireHostPublicKey(keyPath, old.publicLine, retiredAt);
    expect(retiredAtOf(await readFile(file, 'utf8'))).toBe(retiredAt);
    const late = signCheckpoint(head, retiredAt + 1, old);
    // Still the current key too (a rotation that stopped before installing the new one): in use.
    expect(checkpointSignatureCheck(await loadKeyring(keyPath))(late)).toBe('valid');

    await rename(keyPath, `${keyPath}.gone`);
    await rename(`${keyPath}.pub`, `${keyPath}.pub.gone`);
    await ensureKeyPair(keyPath);
    const check = checkpointSignatureCheck(await loadKeyring(keyPath));
    expect(check(signCheckpoint(head, retiredAt, old))).toBe('valid');
    expect(check(late)).toBe('signed_after_retirement');
    expect(check({ ...late, signature: 'AAAA' })).toBe('bad_signature');

    await writeFile(file, `${old.publicLine} old key\n`);
    expect(retiredAtOf(`${old.publicLine} old key\n`)).toBeNull();
    expect(checkpointSignatureCheck(await loadKeyring(keyPath))(late)).toBe('valid');
  });

  it('refuses a retired file that is not an ed25519 public key, naming it', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'ssh_host_ed25519_key');
    await ensureKeyPair(keyPath);
    await mkdir(retiredKeysDir(keyPath));
    const bad = path.join(retiredKeysDir(keyPath), 'bad.pub');
    await writeFile(bad, await readFile(keyPath));
    await expect(loadKeyring(keyPath)).rejects.toThrow(`${bad} is not an ssh-ed25519 public key`);
  });
});
