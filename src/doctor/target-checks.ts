import type { CommandTarget, SshTarget, Target } from '../core/model.js';
import type { ProgramLimits } from '../core/program-limits.js';
import type { ForbiddenIds } from '../core/run-as.js';
import { parsePublicKey } from '../keys/public-key.js';
import { scanHostKey, type HostKeyScan } from '../keys/scan-host-key.js';
import { checkConfinement } from '../targets/confinement-probe.js';
import { forbiddenIds, usableRunAsAccount } from '../targets/host-account.js';
import { fail, pass, type CheckResult } from './check-result.js';
import { checkExecutable } from './program-file.js';

export const TARGET_TIMEOUT_MS = 5_000;
/** Targets scanned at once: enough to finish a large fleet quickly, few enough to be polite. */
export const TARGET_CONCURRENCY = 8;

export type Scanner = (host: string, port: number, timeoutMs: number) => Promise<HostKeyScan>;

const address = (t: SshTarget): string =>
  t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;

/**
 * A command target: its program exists and is executable, its run-as account exists and is
 * neither root nor gatehouse's, and a program can be confined as that account here (what every
 * session start checks too; a failure here means its sessions are refused).
 */
async function checkCommandTarget(
  target: CommandTarget,
  forbidden: ForbiddenIds,
  limits: ProgramLimits,
): Promise<CheckResult> {
  const check = `target ${target.name}`;
  const program = target.command[0] ?? '';
  const found = await checkExecutable(program);
  if (!found.ok)
    return fail(
      check,
      `command target: ${found.message}; install it or gatehouse target remove ${target.name}`,
    );
  const account = await usableRunAsAccount(target.runAs, forbidden);
  if (!account.ok) {
    return fail(
      check,
      `command target: ${account.message}; sessions are refused until gatehouse target set ${target.name} --run-as USER names an unprivileged account`,
    );
  }
  const confined = await checkConfinement(account.account, limits);
  if (!confined.ok) return fail(check, `command target: ${confined.message}; sessions are refused`);
  // Confinement works (above), so a failure here is the account's access to the program.
  if (!(await checkConfinement(account.account, limits, ['/usr/bin/test', '-x', program])).ok) {
    return fail(
      check,
      `command target: ${program} is not executable by run-as account ${account.account.name} (check the file's and its folders' permissions)`,
    );
  }
  return pass(
    check,
    `command target: ${program} is executable and runs confined as ${account.account.name}`,
  );
}

/** One target: reachable within the timeout and serving exactly the pinned host key (ssh), or its program runnable (command). */
async function checkTarget(
  target: Target,
  options: Required<TargetCheckOptions>,
): Promise<CheckResult> {
  const { scan, forbidden, programLimits } = options;
  if (target.kind === 'command') return checkCommandTarget(target, forbidden, programLimits);
  const check = `target ${target.name}`;
  const where = address(target);
  const result = await scan(target.host, target.port, TARGET_TIMEOUT_MS);
  if (target.hostKey === null) {
    const seen = result.ok
      ? `it serves ${result.key.fingerprint}`
      : `and it is not reachable: ${result.message}`;
    return fail(
      check,
      `${where}: not pinned (${seen}); check the key, then gatehouse target scan ${target.name} --pin`,
    );
  }
  if (!result.ok) return fail(check, `${where}: unreachable: ${result.message}`);
  const pinned = parsePublicKey(target.hostKey);
  const pinnedFingerprint = pinned.ok ? pinned.key.fingerprint : 'an unreadable key';
  if (!pinned.ok || pinned.key.line !== result.key.line) {
    return fail(
      check,
      `${where}: host key mismatch: pinned ${pinnedFingerprint}, served ${result.key.fingerprint}; find out why it changed, then gatehouse target scan ${target.name} --pin --replace`,
    );
  }
  return pass(check, `${where} reachable, host key ${result.key.fingerprint} matches the pin`);
}

export interface TargetCheckOptions {
  readonly scan?: Scanner;
  /** Targets checked at once. */
  readonly limit?: number;
  /** Ids a run-as account must not hold (default: root's and this process's). */
  readonly forbidden?: ForbiddenIds;
  /** The config's `commandTargets.limits`, applied as a session would. */
  readonly programLimits: ProgramLimits;
}

/** Checks every target, at most `limit` at once; results in the order of `targets`. */
export async function checkTargets(
  targets: readonly Target[],
  options: TargetCheckOptions,
): Promise<CheckResult[]> {
  const all: Required<TargetCheckOptions> = {
    scan: scanHostKey,
    limit: TARGET_CONCURRENCY,
    ...options,
    forbidden: options.forbidden ?? forbiddenIds(),
  };
  if (targets.length === 0) return [pass('targets', 'none registered')];
  const results = new Array<CheckResult>(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < targets.length; i = next++) {
      const target = targets[i];
      if (target !== undefined) results[i] = await checkTarget(target, all);
    }
  };
  await Promise.all(Array.from({ length: Math.min(all.limit, targets.length) }, worker));
  return results;
}
