/**
 * The cost of config `alerts` (issue 15) on a download: ten rules (seven read output, so every
 * byte of the download is matched), switched on and off by SIGHUP between runs of the same
 * gatehouse process (a session reads the rules when it opens), alternating rounds.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { GatehouseProcess, GatehouseSetup } from './gatehouse.js';
import type { SshPaths } from './ssh-paths.js';
import { download, type TimedRun } from './transfer.js';

/** None of them matches the printable download, so the run measures the matching alone. */
export const TEN_ALERT_RULES = [
  'alerts:',
  '  - { name: shadow, match: "/etc/shadow", on: output, action: flag }',
  '  - { name: private-key, match: "-----BEGIN * PRIVATE KEY-----", on: output, action: notify }',
  '  - { name: password, match: "password=*&", on: output, action: flag }',
  '  - { name: aws-key, match: "AKIA*SECRET", on: output, action: flag }',
  '  - { name: root-line, match: "^root:x:0:0:", on: output, action: flag }',
  '  - { name: sql-dump, match: "-- Dump completed$", on: output, action: notify }',
  '  - { name: card, match: "card_number * cvv", on: output, action: end }',
  '  - { name: drop, match: "DROP TABLE", on: command, action: end }',
  '  - { name: curl-sh, match: "curl * \\\\| sh", on: command, action: flag }',
  '  - { name: rm-rf, match: "rm -rf /", on: command, action: notify }',
  '',
].join('\n');

export interface AlertDownloads {
  readonly without: TimedRun[];
  readonly withTen: TimedRun[];
}

export async function alertDownloads(
  paths: SshPaths,
  gh: GatehouseProcess,
  setup: GatehouseSetup,
  file: string,
  bytes: number,
  rounds: number,
): Promise<AlertDownloads> {
  const plain = await readFile(setup.configPath, 'utf8');
  const out: AlertDownloads = { without: [], withTen: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
        await writeFile(setup.configPath, plain);
        if (on) await appendFile(setup.configPath, TEN_ALERT_RULES);
        await reload(gh, setup);
        (on ? out.withTen : out.without).push(
          await download(paths, 'gatehouse', file, bytes, gh.pid),
        );
      }
    }
  } finally {
    await writeFile(setup.configPath, plain);
    await reload(gh, setup);
  }
  return out;
}

/** SIGHUP, then waits for the log's next `config reloaded`. */
async function reload(gh: GatehouseProcess, setup: GatehouseSetup): Promise<void> {
  const logPath = join(setup.dir, 'gatehouse.log');
  const count = async (): Promise<number> =>
    ((await readFile(logPath, 'utf8')).match(/config reloaded/g) ?? []).length;
  const before = await count();
  process.kill(gh.pid, 'SIGHUP');
  for (let i = 0; i < 200; i++) {
    if ((await count()) > before) return;
    await sleep(50);
  }
  throw new Error(`gatehouse did not reload its config (see ${logPath})`);
}
