/**
 * Checkpoints written while `gatehouse serve` runs (every N events and at SIGTERM), delivered to
 * a real local webhook and an append-only file; a failing or hanging sink never holds up the chain.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreAuditor } from '../../src/adapters/store-auditor.js';
import { fileSink } from '../../src/checkpoints/checkpoint-file.js';
import {
  CheckpointWriter,
  writeCheckpoint,
  type SinkDelivery,
} from '../../src/checkpoints/checkpoint-writer.js';
import { webhookSink } from '../../src/checkpoints/webhook-sink.js';
import { main } from '../../src/cli/main.js';
import type { AuditCheckpoint } from '../../src/core/audit-checkpoint.js';
import { auditEvents } from '../../src/core/audit-events.js';
import { fixedClock, systemClock } from '../../src/core/clock.js';
import { ensureKeyPair } from '../../src/keys/key-files.js';
import { signingKeyFromOpenSsh } from '../../src/keys/signing-key.js';
import { silentLogger } from '../../src/logging/logger.js';
import { GatehouseMetrics } from '../../src/metrics/gatehouse-metrics.js';
import { openStore } from '../../src/store/open-store.js';
import { makeUserKey } from '../helpers/keys.js';
import { tempDir } from '../helpers/tmp.js';
import { startReceiver } from '../helpers/webhook-receiver.js';
import { serveConfigText, startServe, type ServeChild } from './metrics-serve-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  get: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const seqs = (list: readonly unknown[]): number[] => list.map((c) => (c as AuditCheckpoint).seq);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `gatehouse --config FILE …` in-process; its stdout, or an error with its stderr. */
const cliWith =
  (configPath: string) =>
  async (...args: string[]): Promise<string> => {
    let out = '';
    let err = '';
    const code = await main(['--config', configPath, ...args], {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
    });
    if (code !== 0) throw new Error(`gatehouse ${args.join(' ')}: ${err}`);
    return out;
  };

describe('checkpoints while gatehouse serve runs', () => {
  it('writes one after N events and one at SIGTERM, to the database, the file and the webhook', async () => {
    const hook = await startReceiver('/gatehouse/checkpoints');
    cleanups.push(() => hook.close());
    hook.answer = (n) => (n === 1 ? 503 : 200); // the first POST fails: retried
    const dir = await tempDir('gatehouse-checkpoint-serve-');
    const configPath = path.join(dir, 'gatehouse.yaml');
    const sink = path.join(dir, 'gatehouse-checkpoints.jsonl');
    await writeFile(
      configPath,
      serveConfigText({
        extra: [
          'audit:',
          '  checkpoint:',
          '    everyEvents: 3',
          '    every: 1h',
          '  checkpointSink:',
          `    file: ${sink}`,
          `    webhook: ${hook.url}`,
          '',
        ].join('\n'),
      }),
    );
    const cli = cliWith(configPath);
    const addUser = async (name: string): Promise<void> => {
      await cli('user', 'add', name, '--key', (await makeUserKey(dir, name)).publicLine);
    };

    const serve: ServeChild = await startServe(configPath);
    cleanups.push(async () => void (await serve.stop()));
    // Admin commands in another process: serve sees them in the chain head it polls.
    await addUser('alice');
    await addUser('bob');
    await sleep(1500); // two events: below N, and `every` is an hour
    expect(hook.bodies).toEqual([]);
    await addUser('carol');
    await until('the checkpoint at seq 3 at the webhook', () =>
      hook.bodies.length > 0 ? true : undefined,
    );
    expect(seqs(hook.bodies)).toEqual([3]);

    await addUser('dave'); // seq 4: not due, until shutdown
    expect(await serve.stop()).toBe(0);
    expect(seqs(hook.bodies)).toEqual([3, 4]);
    const lines = (await readFile(sink, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(hook.bodies);
    const store = await openStore(path.join(dir, 'data', 'gatehouse.db'));
    try {
      expect(await store.checkpoints.list()).toEqual(hook.bodies);
    } finally {
      await store.close();
    }
    expect(serve.logs().filter((l) => l['msg'] === 'audit checkpoint written')).toHaveLength(2);
    expect(await cli('audit', 'verify', '--checkpoints', sink)).toBe(
      'ok 4 events; 2 signed checkpoints match, the last at seq 4\n',
    );
  });
});

describe('a host key rotation while gatehouse serve runs', () => {
  it('serve signs its next checkpoint with the new key, so audit verify still passes', async () => {
    const dir = await tempDir('gatehouse-checkpoint-rotate-');
    const configPath = path.join(dir, 'gatehouse.yaml');
    const sink = path.join(dir, 'gatehouse-checkpoints.jsonl');
    await writeFile(
      configPath,
      serveConfigText({
        extra: [
          'audit:',
          '  checkpoint:',
          '    everyEvents: 2',
          '    every: 1h',
          '  checkpointSink:',
          `    file: ${sink}`,
          '',
        ].join('\n'),
      }),
    );
    const cli = cliWith(configPath);
    const serve: ServeChild = await startServe(configPath);
    cleanups.push(async () => void (await serve.stop()));
    const rotated = JSON.parse(await cli('--json', 'keys', 'rotate-host-key')) as {
      newKeyId: string;
    };
    for (const name of ['alice', 'bob'])
      await cli('user', 'add', name, '--key', (await makeUserKey(dir, name)).publicLine);
    const byServe = await until('the checkpoint serve writes after the rotation', async () => {
      const lines = (await readFile(sink, 'utf8').catch(() => '')).trim().split('\n');
      const last = JSON.parse(lines.at(-1) || '{}') as AuditCheckpoint;
      return last.seq >= 2 ? last : undefined;
    });
    expect(byServe.keyId).toBe(rotated.newKeyId);
    expect(await cli('audit', 'verify', '--checkpoints', sink)).toMatch(/^ok \d+ events; /);
  });
});

describe('checkpoint sinks', () => {
  async function storeWithEvents() {
    const dir = await tempDir('gatehouse-checkpoint-sinks-');
    const store = await openStore(path.join(dir, 'gatehouse.db'));
    cleanups.push(() => store.close());
    for (const ndaId of [1, 2]) {
      await store.audit.append(
        auditEvents.ndaRevoke({ ndaId: ndaId as never, reason: 'test' }),
        'admin',
      );
    }
    const pair = await ensureKeyPair(path.join(dir, 'keys', 'host'));
    const metrics = new GatehouseMetrics();
    const auditor = new StoreAuditor(store.audit, silentLogger());
    auditor.subscribe((e) => metrics.observe(e));
    return {
      dir,
      store,
      metrics,
      deps: {
        store,
        key: signingKeyFromOpenSsh(pair.privateKey),
        auditor,
        clock: systemClock,
        logger: silentLogger(),
      },
    };
  }

  it('a hanging webhook holds up neither the checkpoint nor the next audit event', async () => {
    const hook = await startReceiver('/gatehouse/checkpoints');
    cleanups.push(() => hook.close());
    hook.answer = () => null;
    const { store, deps } = await storeWithEvents();
    const sink = webhookSink(hook.url, { attempts: 1, timeoutMs: 60_000 });
    const deliveries: Promise<SinkDelivery>[] = [];
    const cp = await writeCheckpoint({ ...deps, sinks: [sink] }, 'gatehouse', (d) =>
      deliveries.push(d),
    );
    expect(cp?.seq).toBe(2);
    expect((await store.checkpoints.latest())?.seq).toBe(2);
    await store.audit.append(auditEvents.ndaRevoke({ ndaId: 3 as never, reason: 'x' }), 'admin');
    sink.close(); // shutdown gives up on it
    expect(await Promise.all(deliveries)).toEqual([
      {
        sink: 'webhook',
        problem: expect.stringMatching(
          /^POST to http:\/\/127\.0\.0\.1:\d+ failed: gatehouse stopped before it was delivered$/,
        ),
      },
    ]);
  });

  it('a sink that fails is audited and counted, after its retries', async () => {
    const hook = await startReceiver('/gatehouse/checkpoints');
    cleanups.push(() => hook.close());
    hook.answer = () => 503;
    const { dir, store, metrics, deps } = await storeWithEvents();
    const deliveries: Promise<SinkDelivery>[] = [];
    await writeCheckpoint(
      {
        ...deps,
        sinks: [
          webhookSink(hook.url, { attempts: 3, firstDelayMs: 20 }),
          fileSink(path.join(dir, 'no-such-folder', 'checkpoints.jsonl')),
        ],
      },
      'gatehouse',
      (d) => deliveries.push(d),
    );
    const results = await Promise.all(deliveries);
    expect(results.map((r) => r.sink)).toEqual(['webhook', 'file']);
    const failures = await store.audit.list({ type: 'checkpoint.sink.failure' });
    expect(failures.map((f) => [f.actor, f.payload])).toEqual(
      expect.arrayContaining([
        [
          'gatehouse',
          {
            sink: 'webhook',
            seq: 2,
            problem: `POST to ${new URL(hook.url).origin} failed: HTTP 503`,
          },
        ],
        [
          'gatehouse',
          {
            sink: 'file',
            seq: 2,
            problem: `cannot append to ${path.join(dir, 'no-such-folder', 'checkpoints.jsonl')} (ENOENT)`,
          },
        ],
      ]),
    );
    expect(failures).toHaveLength(2);
    expect(metrics.render()).toContain(
      'gatehouse_checkpoint_sink_failures_total{sink="webhook"} 1',
    );
    expect(metrics.render()).toContain('gatehouse_checkpoint_sink_failures_total{sink="file"} 1');
  });

  it('a webhook URL with credentials sends them as Basic auth, and never names them in a failure', async () => {
    const hook = await startReceiver('/gatehouse/checkpoints');
    cleanups.push(() => hook.close());
    hook.answer = (n) => (n === 1 ? 401 : 200);
    const url = hook.url.replace('http://', 'http://gatehouse:s%3Acret@');
    const { deps } = await storeWithEvents();
    const deliveries: Promise<SinkDelivery>[] = [];
    await writeCheckpoint(
      { ...deps, sinks: [webhookSink(url, { attempts: 1 })] },
      'gatehouse',
      (d) => deliveries.push(d),
    );
    const [failed] = await Promise.all(deliveries);
    expect(failed?.problem).toBe(`POST to ${new URL(hook.url).origin} failed: HTTP 401`);
    expect(hook.auth).toEqual([`Basic ${Buffer.from('gatehouse:s:cret').toString('base64')}`]);
  });

  it('the webhook retries with backoff until the receiver takes it', async () => {
    const hook = await startReceiver('/gatehouse/checkpoints');
    cleanups.push(() => hook.close());
    hook.answer = (n) => (n < 3 ? 500 : 204);
    const { deps } = await storeWithEvents();
    const deliveries: Promise<SinkDelivery>[] = [];
    const cp = await writeCheckpoint(
      { ...deps, sinks: [webhookSink(hook.url, { attempts: 4, firstDelayMs: 20 })] },
      'gatehouse',
      (d) => deliveries.push(d),
    );
    expect(await Promise.all(deliveries)).toEqual([{ sink: 'webhook', problem: null }]);
    expect(hook.bodies).toEqual([cp]);
  });

  it("serve's writer signs the head when `every` has passed and the chain grew, and not otherwise", async () => {
    const { store, deps } = await storeWithEvents();
    const clock = fixedClock(Date.now());
    const writer = new CheckpointWriter({
      ...deps,
      currentKey: () => Promise.resolve(deps.key),
      clock,
      sinks: [],
      everyEvents: 1000,
      everyMs: 60_000,
      pollMs: 20,
    });
    writer.start();
    cleanups.push(() => writer.stop());
    await sleep(200);
    expect(await store.checkpoints.list()).toEqual([]); // 2 events, not a minute yet
    clock.advance(60_000);
    const first = await until(
      'a checkpoint once a minute passed',
      async () => (await store.checkpoints.latest())?.seq,
    );
    expect(first).toBe(2);
    clock.advance(120_000);
    await sleep(200);
    expect(await store.checkpoints.list()).toHaveLength(1); // the chain did not grow
  });
});
