import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { parsePublicKey } from '../../src/keys/public-key.js';
import { makeCli, type Cli } from './cli-harness.js';

/** A bastion install with everything doctor checks in place: keys, database, recordings folder. */
export interface DoctorSetup {
  readonly cli: Cli;
  readonly hostKeyPath: string;
  readonly clientKeyPath: string;
  readonly recordingsDir: string;
  readonly hostKeyLine: string;
  readonly clientKeyLine: string;
}

export const fingerprintOf = (line: string): string => {
  const parsed = parsePublicKey(line);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.key.fingerprint;
};

/** `databaseUrl`: the install's database is that PostgreSQL one. */
export async function healthySetup(
  options: { readonly databaseUrl?: string } = {},
): Promise<DoctorSetup> {
  const cli = await makeCli('recordings:\n  dir: recordings\n', options);
  const hostKeyPath = path.join(cli.dir, 'data', 'keys', 'host');
  const clientKeyPath = path.join(cli.dir, 'data', 'keys', 'client_ed25519_key');
  const recordingsDir = path.join(cli.dir, 'recordings');
  const host = await ensureKeyPair(hostKeyPath);
  const client = await ensureKeyPair(clientKeyPath);
  await mkdir(recordingsDir);
  // Any command creates the database; `target list` writes no audit event.
  const list = await cli.run('target', 'list');
  if (list.code !== 0) throw new Error(`target list failed: ${list.stderr}`);
  return {
    cli,
    hostKeyPath,
    clientKeyPath,
    recordingsDir,
    hostKeyLine: host.publicLine,
    clientKeyLine: client.publicLine,
  };
}

/** stdout split into lines (no trailing empty line). */
export const lines = (stdout: string): string[] => stdout.split('\n').filter((l) => l !== '');

/** The line of one check, e.g. lineOf(out, 'host key'). */
export function lineOf(stdout: string, check: string): string | undefined {
  return lines(stdout).find(
    (l) => l.startsWith(`PASS ${check}: `) || l.startsWith(`FAIL ${check}: `),
  );
}
