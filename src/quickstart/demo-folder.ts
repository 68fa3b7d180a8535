/**
 * The demo's data folder (`demo/` under the working directory): a config with every path inside
 * it and both listeners on loopback, and the demo contractor's key pair. Re-running reuses both.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureKeyPair } from '../keys/key-files.js';
import { DEMO_REVIEWER, DEMO_USER, SANDBOX, TOOLS } from './demo-seed.js';

const run = promisify(execFile);

export interface DemoFolder {
  readonly dir: string;
  readonly configPath: string;
  /** The contractor's private key (OpenSSH format, 0600) and its public line. */
  readonly userKeyPath: string;
  readonly userPublicLine: string;
  /** false: the folder was there from an earlier run. */
  readonly created: boolean;
}

export const DEMO_USER_KEY = path.join('keys', 'demo_ed25519');

function configText(sshPort: number, webPort: number): string {
  return `# Written by \`gatehouse demo\`: a loopback-only bastion with every file in this folder.
# Edit freely; \`gatehouse demo\` keeps this file on later runs. Relative paths are relative to
# this folder. SIGHUP to the running demo re-reads it (log level, limits).
ssh:
  listen: 127.0.0.1:${sshPort}
  hostKeyPath: keys/ssh_host_ed25519_key
  clientKeyPath: keys/client_ed25519_key
database:
  path: data/gatehouse.db
recordings:
  dir: recordings
web:
  listen: 127.0.0.1:${webPort}
log:
  level: info
# Access requests: the demo user asks (ssh … demo@127.0.0.1 request tools --for 3h --reason …),
# the review page's demo account approves.
groups:
  approvers: [${DEMO_REVIEWER}]
requests:
  rules:
    - name: demo
      users: [${DEMO_USER}]
      targets: [${SANDBOX}, ${TOOLS}]
      maxDuration: 4h
      modes: [shell, allowlist]
      approvers: ['@approvers']
`;
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** A key made by ssh-keygen (what a contractor would have); ensureKeyPair when ssh-keygen is missing. */
async function ensureUserKey(privatePath: string): Promise<string> {
  if (!(await exists(privatePath))) {
    try {
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        'demo@gatehouse-demo',
        '-f',
        privatePath,
      ]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return (await ensureKeyPair(privatePath)).publicLine;
    }
  }
  // ssh refuses a private key others can read.
  await chmod(privatePath, 0o600);
  const line = await readFile(`${privatePath}.pub`, 'utf8').catch(() => null);
  // A lost .pub is rebuilt from the private key.
  return line === null ? (await ensureKeyPair(privatePath)).publicLine : line.trim();
}

export async function prepareDemoFolder(
  dir: string,
  ports: { readonly ssh: number; readonly web: number },
): Promise<DemoFolder> {
  const configPath = path.join(dir, 'gatehouse.yaml');
  const created = !(await exists(configPath));
  // 0700: the folder holds the database, the recordings and private keys.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await mkdir(path.join(dir, 'keys'), { recursive: true, mode: 0o700 });
  await mkdir(path.join(dir, 'data'), { recursive: true, mode: 0o700 });
  if (created) await writeFile(configPath, configText(ports.ssh, ports.web), { mode: 0o600 });
  const userKeyPath = path.join(dir, DEMO_USER_KEY);
  const userPublicLine = await ensureUserKey(userKeyPath);
  return { dir, configPath, userKeyPath, userPublicLine, created };
}
