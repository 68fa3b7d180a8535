import { execFile } from 'node:child_process';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { ensureKeyPair, generateEd25519 } from '../../src/keys/key-files.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('ensureKeyPair', () => {
  it('generates an ed25519 pair OpenSSH accepts: private 0600 in a 0700 folder, .pub beside it', async () => {
    const dir = await tempDir();
    const keyPath = path.join(dir, 'data', 'keys', 'client_ed25519_key');
    const pair = await ensureKeyPair(keyPath);
    expect(pair.created).toBe(true);
    expect(pair.publicLine).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/);
    expect(await mode(keyPath)).toBe(0o600);
    expect(await mode(path.dirname(keyPath))).toBe(0o700);
    expect(await mode(path.join(dir, 'data'))).toBe(0o700);
    expect(pair.privateKey.toString()).toContain('BEGIN OPENSSH PRIVATE KEY');
    // ssh-keygen derives the same public key from the private file: it is a real OpenSSH key.
    const { stdout } = await run('ssh-keygen', ['-y', '-f', keyPath]);
    expect(stdout.trim().split(' ').slice(0, 2).join(' ')).toBe(pair.publicLine);
    const pub = await readFile(`${keyPath}.pub`, 'utf8');
    expect(pub.startsWith(`${pair.publicLine} `)).toBe(true);
    expect(parsePublicKey(pub).ok).toBe(true);
  });

  it('returns the existing pair unchanged on the next call', async () => {
    const keyPath = path.join(await tempDir(), 'k');
    const first = await ensureKeyPair(keyPath);
    const second = await ensureKeyPair(keyPath);
    expect(second.created).toBe(false);
    expect(second.publicLine).toBe(first.publicLine);
    expect(second.privateKey.equals(first.privateKey)).toBe(true);
  });

  it('gives one key to processes racing to create it', async () => {
    const keyPath = path.join(await tempDir(), 'k');
    const pairs = await Promise.all(Array.from({ length: 8 }, () => ensureKeyPair(keyPath)));
    expect(new Set(pairs.map((p) => p.publicLine)).size).toBe(1);
    expect(pairs.filter((p) => p.created).length).toBe(1);
  });

  it('restores a missing .pub from the private key', async () => {
    const keyPath = path.join(await tempDir(), 'k');
    const pair = await ensureKeyPair(keyPath);
    await writeFile(`${keyPath}.pub`, 'garbage\n');
    await ensureKeyPair(keyPath);
    expect((await readFile(`${keyPath}.pub`, 'utf8')).startsWith(pair.publicLine)).toBe(true);
  });

  it('refuses a private key readable by others, and a file that is not a key', async () => {
    const keyPath = path.join(await tempDir(), 'k');
    await ensureKeyPair(keyPath);
    await chmod(keyPath, 0o644);
    await expect(ensureKeyPair(keyPath)).rejects.toThrow(
      /readable by others \(mode 644\); run chmod 600/,
    );
    await writeFile(keyPath, 'not a key', { mode: 0o600 });
    await chmod(keyPath, 0o600);
    await expect(ensureKeyPair(keyPath)).rejects.toThrow('not an unencrypted OpenSSH private key');
  });
});

describe('generateEd25519', () => {
  // ssh2 alone produces an unparsable Ed25519 key about once in 200 (a dropped zero byte);
  // among 1000 keys that bug shows up with a probability above 99%.
  it('every generated private key parses and yields a valid public key', () => {
    for (let i = 0; i < 1000; i++) {
      const parsed = ssh2.utils.parseKey(generateEd25519());
      expect(parsed).not.toBeInstanceOf(Error);
      if (parsed instanceof Error) return;
      const line = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
      expect(parsePublicKey(line).ok).toBe(true);
    }
  }, 30_000);
});
