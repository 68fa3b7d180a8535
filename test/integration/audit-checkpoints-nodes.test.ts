/**
 * Issue 17: several nodes on one database append to one chain and checkpoint it; `gatehouse audit
 * verify` finds one chain and every checkpoint matching. Here: two stores in this process (two
 * connections, each its own node, each writing events and checkpoints as serve does) and the CLI in
 * child processes (a third node) adding targets and checkpoints, all at once on one SQLite file.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/core/audit-events.js';
import { systemClock } from '../../src/core/clock.js';
import type { Store } from '../../src/core/ports.js';
import { StoreAuditor } from '../../src/adapters/store-auditor.js';
import { writeCheckpoint } from '../../src/checkpoints/checkpoint-writer.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { openStore } from '../../src/store/open-store.js';
import { makeCli } from './cli-harness.js';

const logger = pino({ level: 'silent' });

/** Resolves for everyone once `parties` callers have arrived. */
function meeting(parties: number): () => Promise<void> {
  let arrived = 0;
  let all!: () => void;
  const met = new Promise<void>((resolve) => (all = resolve));
  return () => {
    arrived += 1;
    if (arrived === parties) all();
    return met;
  };
}

describe('one chain from several nodes', () => {
  it('interleaved appends and checkpoints from three nodes verify as one chain', async () => {
    const cli = await makeCli('node:\n  name: node-c\n');
    const config = await loadConfig(cli.configPath, {}, cli.dir);
    const key = signingKeyFromOpenSsh((await ensureKeyPair(config.ssh.hostKeyPath)).privateKey);
    const a = await openStore(config.database.path, { node: 'node-a' });
    const b = await openStore(config.database.path, { node: 'node-b' });
    try {
      /**
       * The two serves meet after each checkpoint: each round of five events is written by both at
       * once, so the chain interleaves them however the machine schedules (under load, one store's
       * busy retries could otherwise leave it waiting until the other had written all 30).
       */
      const meetings = Array.from({ length: 6 }, () => meeting(2));
      /** What one serve does: its events, and a checkpoint of the head every 5 events. */
      const serve = async (store: Store, name: string): Promise<number> => {
        const auditor = new StoreAuditor(store.audit, logger);
        const deps = { store, sinks: [], auditor, clock: systemClock, logger, key };
        let checkpoints = 0;
        for (let i = 1; i <= 30; i++) {
          await store.audit.append(
            auditEvents.checkpointSinkFailure({ sink: 'file', seq: i, problem: name }),
            'gatehouse',
          );
          if (i % 5 === 0 && (await writeCheckpoint({ ...deps }, 'gatehouse')) !== null)
            checkpoints += 1;
          if (i % 5 === 0) await meetings[i / 5 - 1]!();
        }
        return checkpoints;
      };
      /** The CLI of a third machine, one process per command. */
      const admin = async (): Promise<number> => {
        for (let i = 1; i <= 3; i++) {
          const add = await cli.spawn(
            'target',
            'add',
            `t${i}`,
            '--host',
            '10.0.0.5',
            '--login',
            'ops',
          );
          expect(add, add.stderr).toMatchObject({ code: 0 });
          expect(await cli.spawn('audit', 'checkpoint')).toMatchObject({ code: 0 });
        }
        return 3;
      };
      const written = await Promise.all([serve(a, 'node-a'), serve(b, 'node-b'), admin()]);

      const events = await a.audit.list();
      expect(events).toHaveLength(63);
      const nodes = events.map((e) => e.node);
      expect(new Set(nodes)).toEqual(new Set(['node-a', 'node-b', 'node-c']));
      // Interleaved, not one node's run after the other's: a and b take turns at least once a round.
      const switches = nodes.filter((n, i) => i > 0 && n !== nodes[i - 1]).length;
      expect(switches).toBeGreaterThan(5);
      const checkpoints = await a.checkpoints.list();
      expect(checkpoints).toHaveLength(written.reduce((x, y) => x + y, 0));

      const verify = await cli.spawn('audit', 'verify');
      expect(verify).toMatchObject({ code: 0, stderr: '' });
      const last = Math.max(...checkpoints.map((c) => c.seq));
      expect(verify.stdout).toMatch(
        new RegExp(
          `^ok 63 events; ${checkpoints.length} signed checkpoints match, the last at seq ${last}\\b`,
        ),
      );
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
