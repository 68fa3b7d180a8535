import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from './proc.js';
import type { PathName, SshPaths } from './ssh-paths.js';

export interface CryptoFacts {
  /** ssh2's native binding (lib/protocol/crypto/build/Release/sshcrypto.node) loaded. */
  readonly ssh2NativeBinding: boolean;
  /** cpu-features loaded and reporting the AES-NI flag. */
  readonly cpuFeatures: { readonly loaded: boolean; readonly aes: boolean | null };
  /** Cipher the OpenSSH client negotiated, per path (from `ssh -v`). */
  readonly clientCipher: Readonly<Partial<Record<PathName, string>>>;
}

/** Loads ssh2 and cpu-features the way gatehouse does (same node_modules). */
export function loadCryptoFacts(repoRoot: string): Omit<CryptoFacts, 'clientCipher'> {
  const require = createRequire(join(repoRoot, 'package.json'));
  const crypto = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable?: boolean };
  let cpu: { loaded: boolean; aes: boolean | null } = { loaded: false, aes: null };
  try {
    const info = (require('cpu-features') as () => { flags?: Record<string, boolean> })();
    cpu = { loaded: true, aes: info.flags?.['aes'] === true };
  } catch {
    // not built: ssh2 then cannot tell whether AES is accelerated
  }
  return { ssh2NativeBinding: crypto.bindingAvailable === true, cpuFeatures: cpu };
}

export async function negotiatedCipher(paths: SshPaths, path: PathName): Promise<string> {
  const r = await run('ssh', [...paths.args(path, ['-v']), 'true']);
  const m = /kex: server->client cipher: (\S+) MAC: (\S+)/.exec(r.stderr);
  return m === null ? 'unknown' : `${m[1]} (MAC ${m[2]})`;
}
