import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { GatehouseError } from '../../src/core/errors.js';
import { NO_TRANSFER_LIMIT } from '../../src/core/request-transfer.js';
import { tempDir } from '../helpers/tmp.js';

/** Config `requests.rules[].transfer` (issue 16): read into the rule, checked at load. */

const rule = (transfer: string) =>
  'requests:\n  rules:\n    - name: logs\n      users: [alice]\n      targets: [db*]\n' +
  `      maxDuration: 2h\n      modes: [shell]\n      approvers: [carol]\n${transfer}`;

async function load(text: string) {
  const dir = await tempDir('gatehouse-config-');
  const file = path.join(dir, 'gatehouse.yaml');
  await writeFile(file, text);
  return loadConfig(file, {}, '/');
}

async function loadError(text: string): Promise<string> {
  try {
    await load(text);
  } catch (e) {
    expect(e).toBeInstanceOf(GatehouseError);
    const message = (e as GatehouseError).userMessage;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('config was accepted');
}

describe('requests.rules[].transfer', () => {
  it('reads the direction, the path limits once each and the maximum budget in bytes', async () => {
    const config = await load(
      rule(
        "      transfer:\n        direction: download\n        paths: ['/var/log/**', '/var/log/**', /etc/app.conf]\n        maxBudget: 2GiB\n",
      ),
    );
    expect(config.requests.rules[0]?.transfer).toEqual({
      direction: 'download',
      paths: ['/var/log/**', '/etc/app.conf'],
      maxBudgetBytes: 2 * 1024 ** 3,
    });
  });

  it('allows no transfer for a rule that says nothing about it, and any path without paths', async () => {
    expect((await load(rule(''))).requests.rules[0]?.transfer).toEqual(NO_TRANSFER_LIMIT);
    expect(
      (await load(rule('      transfer:\n        direction: both\n'))).requests.rules[0]?.transfer,
    ).toEqual({ direction: 'both', paths: [], maxBudgetBytes: null });
  });

  it.each([
    ['      transfer:\n        direction: sideways\n', 'requests.rules.0.transfer.direction'],
    [
      '      transfer:\n        direction: upload\n        paths: [tmp/**]\n',
      'requests.rules.0.transfer.paths.0: path limit "tmp/**" is not an absolute path',
    ],
    [
      '      transfer:\n        direction: upload\n        maxBudget: 2GB\n',
      'requests.rules.0.transfer.maxBudget: "2GB" is not a size: unknown unit "GB"',
    ],
    [
      '      transfer:\n        direction: upload\n        budget: 2GiB\n',
      'requests.rules.0.transfer',
    ],
  ])('refuses %j at load, naming the setting', async (transfer, message) => {
    expect(await loadError(rule(transfer))).toContain(message);
  });
});
