import type { Config } from '../config/load-config.js';
import type { Clock } from '../core/clock.js';
import { isGatehouseError } from '../core/errors.js';
import { forbiddenIdsFor } from '../targets/host-account.js';
import { fail, pass, type CheckResult } from './check-result.js';
import { checkAuditCheckpoints } from './checkpoint-check.js';
import { checkDatabase } from './database-checks.js';
import { storeLocation } from '../store/open-store.js';
import { checkPrivateKey } from './key-check.js';
import { checkRecordingsSpace, checkRecordingsWritable } from './recordings-check.js';
import { checkTargets } from './target-checks.js';

export interface DoctorOptions {
  /** Load the config; a config error becomes a FAIL line. */
  readonly loadConfig: () => Promise<Config>;
  readonly clock: Clock;
  /** Skip target reachability (a liveness check must not depend on the targets). */
  readonly local: boolean;
}

/**
 * Every check, in a fixed order. Checks that cannot run because an earlier one failed (nothing
 * without a config; no targets without a database) are left out rather than failed twice.
 */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = await options.loadConfig();
  } catch (e) {
    if (!isGatehouseError(e)) throw e;
    return [
      fail(
        'config',
        `${e.userMessage.replace(/^config: /, '')}; fix the file and run gatehouse doctor again`,
      ),
    ];
  }
  const results: CheckResult[] = [pass('config', config.configPath)];
  results.push(
    await checkPrivateKey(
      'host key',
      config.ssh.hostKeyPath,
      'run gatehouse serve once to generate it',
    ),
  );
  results.push(
    await checkPrivateKey(
      'client key',
      config.ssh.clientKeyPath,
      'run gatehouse serve once or gatehouse keys to generate it',
    ),
  );
  const db = await checkDatabase(storeLocation(config.database), options.clock);
  results.push(...db.results);
  if (db.store !== null) results.push(...(await checkAuditCheckpoints(db.store, config, db.chain)));
  const writable = await checkRecordingsWritable(config.recordings.dir);
  results.push(writable);
  if (writable.ok) results.push(await checkRecordingsSpace(config.recordings.dir));
  if (db.store !== null) {
    try {
      if (!options.local) {
        const forbidden = await forbiddenIdsFor(config.database.path);
        const targets = await db.store.targets.list();
        results.push(
          ...(await checkTargets(targets, {
            forbidden,
            programLimits: config.commandTargets.limits,
          })),
        );
      }
    } finally {
      await db.store.close();
    }
  }
  return results;
}
