import { readFile, stat } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { parsePublicKey } from '../keys/public-key.js';
import { errnoText, fail, pass, type CheckResult } from './check-result.js';

const { utils } = ssh2;

const MAX_KEY_FILE = 64 * 1024;

/**
 * The bastion's own private key at `file`: present, a regular file, not readable by group or
 * others, an unencrypted OpenSSH private key that can actually sign (ssh2 can write Ed25519
 * files it cannot read back: a sign/verify round trip proves the key is usable).
 */
export async function checkPrivateKey(
  check: string,
  file: string,
  howToGenerate: string,
): Promise<CheckResult> {
  let mode: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return fail(check, `${file}: not a regular file`);
    if (info.size > MAX_KEY_FILE) return fail(check, `${file}: too large for a private key file`);
    mode = info.mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return fail(check, `${file}: no such file; ${howToGenerate}`);
    }
    return fail(
      check,
      `${file}: ${errnoText(e)}; run gatehouse doctor as the user gatehouse runs as`,
    );
  }
  const modeText = mode.toString(8).padStart(4, '0');
  if ((mode & 0o077) !== 0) {
    return fail(check, `${file}: mode ${modeText} lets other users read it; run chmod 600 ${file}`);
  }
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    return fail(
      check,
      `${file}: cannot read (${errnoText(e)}); run gatehouse doctor as the user gatehouse runs as`,
    );
  }
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error || !parsed.isPrivateKey()) {
    return fail(
      check,
      `${file}: not an unencrypted OpenSSH private key; move it away and run gatehouse serve once to generate a new one`,
    );
  }
  const probe = Buffer.from('gatehouse doctor');
  if (!parsed.verify(probe, parsed.sign(probe))) {
    return fail(
      check,
      `${file}: the key cannot sign (damaged); move it away and run gatehouse serve once to generate a new one`,
    );
  }
  const pub = parsePublicKey(`${parsed.type} ${parsed.getPublicSSH().toString('base64')}`);
  const fingerprint = pub.ok ? ` ${pub.key.fingerprint}` : '';
  return pass(check, `${file} (${parsed.type}${fingerprint}, mode ${modeText})`);
}
