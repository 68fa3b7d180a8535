/**
 * Can a program run confined here as this account? Runs `/bin/true` through the same wrapper as a
 * session (./confinement.ts): it fails when gatehouse may not switch to the account (no
 * CAP_SETUID/CAP_SETGID), when setpriv/unshare are missing, when the kernel or a seccomp
 * profile forbids user namespaces (Docker's default), or when the account already runs as many
 * processes as `commandTargets.limits.processes` allows. Doctor and every session start ask it;
 * doctor also asks whether the account may execute the target's program (`test -x`).
 */
import { spawn } from 'node:child_process';
import type { ProgramLimits } from '../core/program-limits.js';
import type { HostAccount } from '../core/run-as.js';
import { confinedArgv } from './confinement.js';

const PROBE_TIMEOUT_MS = 5_000;
const MAX_STDERR = 2_000;

export type ConfinementCheck =
  { readonly ok: true } | { readonly ok: false; readonly message: string };

export function checkConfinement(
  account: HostAccount,
  limits: ProgramLimits,
  probe: readonly string[] = ['/bin/true'],
): Promise<ConfinementCheck> {
  const [file, ...args] = confinedArgv(account, limits, {}, probe);
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(file ?? '', args, {
      cwd: '/',
      env: {},
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: PROBE_TIMEOUT_MS,
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
    });
    const failed = (why: string): void =>
      resolve({
        ok: false,
        message: `cannot confine a program as ${account.name}: ${why} (gatehouse needs CAP_SETUID and CAP_SETGID, setpriv and unshare from util-linux, and user namespaces; see the README)`,
      });
    child.once('error', (err) => failed(err.message));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve({ ok: true });
      const said = stderr.split('\n').find((l) => l.trim() !== '');
      failed(said?.trim().replace(/[^\x20-\x7e]/g, '?') ?? `exit ${code ?? signal ?? '?'}`);
    });
  });
}
