/**
 * Issue 13 item 1, follow-up: a command target's program runs under resource limits
 * (`commandTargets.limits`), so a fork bomb in one session cannot deny the bastion to everyone,
 * and a program that read secrets leaves no core file.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { goneWithin, processesWith, RUN_AS, sharedDir } from '../helpers/run-as.js';
import { ptySsh, runSsh } from '../helpers/ssh-client.js';

const ACTOR = 'test-admin';
const PROCESSES = 20;
/** The fork bomb's sleep, unique to this file so that its processes can be found. */
const BOMB_SLEEP = 'sleep 600.31';
let b: BastionFixture;

beforeAll(async () => {
  b = await startBastion({ commandTargetLimits: { processes: PROCESSES, openFiles: 64 } });
  const programs = await sharedDir('gatehouse-limits-');
  const bomb = join(programs, 'bomb.sh');
  await writeFile(bomb, `#!/bin/bash\nfor i in $(seq 60); do ${BOMB_SLEEP} & done; wait\n`);
  await chmod(bomb, 0o755);
  const limits = join(programs, 'limits.sh');
  await writeFile(
    limits,
    [
      '#!/bin/bash',
      'echo "core=$(ulimit -c) hard-core=$(ulimit -Hc) nproc=$(ulimit -Hu) nofile=$(ulimit -Hn) as=$(ulimit -Hv) cpu=$(ulimit -Ht)"',
      'ulimit -u 100000 2>/dev/null && echo raised-nproc || echo kept-nproc',
      'ulimit -c unlimited 2>/dev/null && echo raised-core || echo kept-core',
      '',
    ].join('\n'),
  );
  await chmod(limits, 0o755);
  for (const [name, program] of [
    ['bomb', bomb],
    ['limits', limits],
  ] as const)
    await b.store.targets.add(
      { kind: 'command', name, command: [program], env: {}, runAs: RUN_AS },
      ACTOR,
    );
});
afterAll(async () => {
  await b?.stop();
});

describe('a command target runs under commandTargets.limits', () => {
  it('a fork bomb stops at the process limit with bash fork error; another session is served meanwhile; all gone after', async () => {
    const bomber = await b.userWithGrant('bomber', { target: 'bomb' });
    const t = ptySsh(b.login(bomber, 'bomb'), { extra: ['-t'] });
    try {
      await t.waitFor(/fork: (retry: )?Resource temporarily unavailable/);
      const sleeps = processesWith(BOMB_SLEEP);
      expect(sleeps.length).toBeGreaterThan(0);
      // The limit counts the confinement's own processes (unshare, the namespace's init, bash) too.
      expect(sleeps.length).toBeLessThanOrEqual(PROCESSES - 3);

      const other = await b.userWithGrant('bystander');
      const r = await runSsh(b.login(other), { command: ['echo', 'still-served'], extra: ['-tt'] });
      expect(r.stdout.toString()).toContain('still-served');
      expect(r.code).toBe(0);
    } finally {
      t.kill();
    }
    await t.exited;
    expect(await goneWithin(BOMB_SLEEP, 5_000)).not.toBe(Infinity);
  }, 60_000);

  it('no core dumps, the configured limits, and the program cannot raise them', async () => {
    const user = await b.userWithGrant('limited', { target: 'limits' });
    const r = await runSsh(b.login(user, 'limits'), { extra: ['-tt'] });
    const out = r.stdout.toString();
    // memory: the default 4GiB, in KiB; cpuTime: none by default.
    expect(out).toContain(
      `core=0 hard-core=0 nproc=${PROCESSES} nofile=64 as=4194304 cpu=unlimited\r\n`,
    );
    expect(out).toContain('kept-nproc\r\n');
    expect(out).toContain('kept-core\r\n');
    expect(r.code).toBe(0);
  });

  it('a reload (SIGHUP) reaches the next session', async () => {
    const config = await loadConfig(b.configPath, {}, b.dir);
    const plan = b.running.reload({
      ...config,
      commandTargets: {
        limits: { ...config.commandTargets.limits, openFiles: 48, cpuSeconds: 90 },
      },
    });
    expect(plan.applied).toEqual(['commandTargets.limits']);
    const user = await b.userWithGrant('reloaded', { target: 'limits' });
    const r = await runSsh(b.login(user, 'limits'), { extra: ['-tt'] });
    expect(r.stdout.toString()).toContain(`nofile=48 as=4194304 cpu=90\r\n`);
  });
});
