import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface UserKeyFiles {
  readonly privatePath: string;
  /** `ssh-ed25519 AAAA… comment` */
  readonly publicLine: string;
  /** `SHA256:…` as OpenSSH prints it. */
  readonly fingerprint: string;
}

/** Fingerprint of an authorized_keys-style line, computed independently of src/keys. */
export function fingerprintOfLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A real ed25519 key made by ssh-keygen, as a contractor would bring it. */
export async function makeUserKey(
  dir: string,
  name = 'user',
  type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519',
): Promise<UserKeyFiles> {
  const privatePath = join(dir, `${name}_${type}`);
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `${name}@test`, '-f', privatePath]);
  const publicLine = (await readFile(`${privatePath}.pub`, 'utf8')).trim();
  return { privatePath, publicLine, fingerprint: fingerprintOfLine(publicLine) };
}
