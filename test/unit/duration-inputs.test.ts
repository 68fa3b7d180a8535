import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { HOUR, MINUTE } from '../../src/core/duration.js';
import { parseCommand } from '../../src/session/self-service/parse-command.js';
import { tempDir } from '../helpers/tmp.js';

/** Compound durations (core/duration.ts) wherever a duration is typed, beside the CLI's. */
describe('1h30m where durations are typed', () => {
  it('in the config file', async () => {
    const file = path.join(await tempDir('gatehouse-config-'), 'gatehouse.yaml');
    await writeFile(
      file,
      ['ssh:', '  idleTimeout: 1h30m', 'grants:', '  maxDuration: 2d12h'].join('\n'),
    );
    const c = await loadConfig(file, {}, '/');
    expect(c.ssh.idleTimeoutMs).toBe(HOUR + 30 * MINUTE);
    expect(c.grants.maxDurationMs).toBe(60 * HOUR);
  });

  it('in the ssh self-service commands', () => {
    const r = parseCommand('request db1 --for 1h30m --reason INC-1');
    expect(r.ok && r.command).toMatchObject({ kind: 'request', durationMs: HOUR + 30 * MINUTE });
    const bad = parseCommand('request db1 --for 30m1h --reason INC-1');
    expect(!bad.ok && bad.message).toContain('units must go from largest to smallest');
  });
});
