import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOfBlob, parsePublicKey, publicKeyFromBlob } from '../../src/keys/public-key.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

interface Made {
  readonly privatePath: string;
  readonly publicLine: string;
  /** As `ssh-keygen -l` prints it: the independent reference. */
  readonly fingerprint: string;
}

async function keygen(dir: string, name: string, args: readonly string[]): Promise<Made> {
  const privatePath = path.join(dir, name);
  await run('ssh-keygen', ['-q', ...args, '-N', '', '-C', `${name}@test host`, '-f', privatePath]);
  const publicLine = (await readFile(`${privatePath}.pub`, 'utf8')).trim();
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${privatePath}.pub`]);
  return { privatePath, publicLine, fingerprint: stdout.split(' ')[1] ?? '' };
}

const keys: Record<string, Made> = {};

beforeAll(async () => {
  const dir = await tempDir('gatehouse-keys-');
  const specs: [string, string[]][] = [
    ['ed25519', ['-t', 'ed25519']],
    ['rsa', ['-t', 'rsa', '-b', '3072']],
    ['rsa1024', ['-t', 'rsa', '-b', '1024']],
    ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
  ];
  await Promise.all(
    specs.map(async ([name, args]) => (keys[name] = await keygen(dir, name, args))),
  );
});

function refused(text: string): string {
  const r = parsePublicKey(text);
  if (r.ok) throw new Error(`accepted: ${text.slice(0, 60)}`);
  expect(r.message).not.toMatch(/[\r\n]/);
  expect(r.message.length).toBeLessThan(200);
  return r.message;
}

describe('parsePublicKey', () => {
  it.each(['ed25519', 'rsa', 'ecdsa256', 'ecdsa384', 'ecdsa521'])(
    'accepts an ssh-keygen %s line, with the fingerprint ssh-keygen prints',
    (name) => {
      const made = keys[name]!;
      const r = parsePublicKey(`${made.publicLine}\n`);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const [alg, b64] = made.publicLine.split(' ');
      expect(r.key.algorithm).toBe(alg);
      expect(r.key.blob).toBe(b64);
      expect(r.key.line).toBe(`${alg} ${b64}`);
      expect(r.key.comment).toBe(`${name}@test host`);
      expect(r.key.fingerprint).toBe(made.fingerprint);
      expect(fingerprintOfBlob(Buffer.from(b64!, 'base64'))).toBe(made.fingerprint);
    },
  );

  it('accepts a line without comment and a blob as received on the wire', () => {
    const [alg, b64] = keys['ed25519']!.publicLine.split(' ');
    const r = parsePublicKey(`${alg} ${b64}`);
    expect(r.ok && r.key.comment).toBe('');
    const w = publicKeyFromBlob(Buffer.from(b64!, 'base64'));
    expect(w.ok && w.key.fingerprint).toBe(keys['ed25519']!.fingerprint);
  });

  it('refuses a private key and says to give the .pub file', async () => {
    for (const name of ['ed25519', 'rsa', 'ecdsa256']) {
      const text = await readFile(keys[name]!.privatePath, 'utf8');
      expect(refused(text)).toBe('this is a private key; give the .pub file');
    }
    expect(
      refused('-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n'),
    ).toContain('private key');
  });

  it('refuses malformed base64', () => {
    const [alg, b64] = keys['ed25519']!.publicLine.split(' ');
    expect(refused(`${alg} ${b64!.slice(0, 20)}!!${b64!.slice(22)}`)).toContain('not valid base64');
    expect(refused(`${alg} ${b64!.slice(0, -1)}`)).toContain('not valid base64');
  });

  it('refuses a truncated blob', () => {
    const [alg, b64] = keys['ed25519']!.publicLine.split(' ');
    const short = Buffer.from(b64!, 'base64').subarray(0, 30).toString('base64');
    expect(refused(`${alg} ${short}`)).toMatch(/malformed|truncated/);
    const rsa = keys['rsa']!.publicLine.split(' ');
    const rsaShort = Buffer.from(rsa[1]!, 'base64').subarray(0, 200).toString('base64');
    expect(refused(`${rsa[0]} ${rsaShort}`)).toMatch(/malformed|truncated/);
    expect(refused(`${alg} AAAA`)).toMatch(/truncated|but its data/);
  });

  it('refuses trailing bytes after a valid blob', () => {
    const [alg, b64] = keys['ed25519']!.publicLine.split(' ');
    const longer = Buffer.concat([
      Buffer.from(b64!, 'base64'),
      Buffer.from([0, 0, 0, 1, 65]),
    ]).toString('base64');
    expect(refused(`${alg} ${longer}`)).toContain('malformed');
  });

  it('refuses a blob whose algorithm differs from the text', () => {
    const rsaBlob = keys['rsa']!.publicLine.split(' ')[1];
    expect(refused(`ssh-ed25519 ${rsaBlob}`)).toBe(
      'the key says ssh-ed25519 but its data is "ssh-rsa"',
    );
    const ecBlob = keys['ecdsa384']!.publicLine.split(' ')[1];
    expect(refused(`ecdsa-sha2-nistp256 ${ecBlob}`)).toContain(
      'but its data is "ecdsa-sha2-nistp384"',
    );
  });

  it('refuses weak RSA, unknown types, options, several lines, control characters, huge input', () => {
    expect(refused(keys['rsa1024']!.publicLine)).toContain('1024 bits is too weak');
    expect(refused('ssh-dss AAAAB3NzaC1kc3MAAACBAP')).toContain('unsupported key type "ssh-dss"');
    expect(refused(`command="ls" ${keys['ed25519']!.publicLine}`)).toContain(
      'options are not accepted',
    );
    expect(refused(`${keys['ed25519']!.publicLine}\n${keys['rsa']!.publicLine}\n`)).toContain(
      'more than one line',
    );
    expect(refused(`${keys['ed25519']!.publicLine}\u001b[2J`)).toContain('control');
    expect(refused('ssh-ed25519')).toContain('missing the base64');
    expect(refused('')).toContain('empty');
    expect(refused(`ssh-ed25519 ${'A'.repeat(20_000)}`)).toContain('too long');
    expect(refused(keys['ed25519']!.publicLine.split(' ')[1]!)).toContain('missing the algorithm');
  });
});
