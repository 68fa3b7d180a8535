/**
 * A signed publickey attempt right after its probe takes the probe's decision instead of reading
 * the store again (src/transport/auth-probe-decision.ts). Driven with an ssh2 client whose key lives in
 * an "agent" that signs only when the test lets it, so a revocation can fall between the probe
 * and the signature.
 */
import { readFile } from 'node:fs/promises';
import ssh2, { Client, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_DECISION_TTL_MS } from '../../src/transport/auth-probe-decision.js';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ssh2Exec } from '../helpers/ssh2-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
});
afterAll(async () => {
  await b.stop();
});

/** Holds the key; before each signature (that is: after PK_OK) runs `beforeSign`. */
class SlowAgent extends ssh2.BaseAgent<ParsedKey> {
  constructor(
    private readonly key: ParsedKey,
    private readonly beforeSign: () => Promise<void>,
  ) {
    super();
  }
  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, [this.key]);
  }
  sign(
    _pubKey: ParsedKey,
    data: Buffer,
    options: SigningRequestOptions | SignCallback,
    cb?: SignCallback,
  ): void {
    const done = typeof options === 'function' ? options : cb;
    const hash = typeof options === 'function' ? undefined : options.hash;
    void this.beforeSign().then(() => {
      const signature = this.key.sign(data, hash);
      if (signature instanceof Error) done?.(signature);
      else done?.(undefined, signature);
    });
  }
}

/** Logs in through SlowAgent and runs `command`: what the user got, at which stage. */
async function attempt(
  user: TestUser,
  beforeSign: () => Promise<void>,
  command: string,
): Promise<{ stage: 'auth' | 'session'; stdout: string; stderr: string; code: number | null }> {
  const parsed = ssh2.utils.parseKey(await readFile(user.key.privatePath));
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('key');
  const agent = new SlowAgent(parsed, beforeSign);
  const client = new Client();
  try {
    let offered = false;
    const ready = await new Promise<boolean>((resolve) => {
      client.once('ready', () => resolve(true));
      client.once('error', () => resolve(false));
      client.connect({
        host: '127.0.0.1',
        port: b.port,
        username: `${user.name}+db1`,
        authHandler: (_methods, _partial, next) => {
          if (offered) return false; // ssh2: nothing else to try
          offered = true;
          next({ type: 'agent', username: `${user.name}+db1`, agent });
          return undefined;
        },
      });
    });
    if (!ready) return { stage: 'auth', stdout: '', stderr: '', code: null };
    return { stage: 'session', ...(await ssh2Exec(client, command)) };
  } finally {
    client.end();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const authFailures = async (user: string): Promise<unknown[]> =>
  (await b.auditTypes('auth.failure')).filter((p) => p['user'] === user).map((p) => p['reason']);

describe('the probe decision and the signed attempt', () => {
  it('logs in with a signature right after the probe', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await attempt(alice, () => Promise.resolve(), 'echo agent-login');
    expect(r).toMatchObject({ stage: 'session', stdout: 'agent-login\n', code: 0 });
    expect((await b.auditTypes('auth.success')).filter((p) => p['user'] === 'alice')).toHaveLength(
      1,
    );
  });

  it('reads the store again for a signature that comes after the probe decision went stale', async () => {
    const bob = await b.userWithGrant('bob');
    const r = await attempt(
      bob,
      async () => {
        await b.store.grants.revoke(bob.grant.id, 'contract ended', Date.now(), 't');
        await sleep(PROBE_DECISION_TTL_MS + 300);
      },
      'echo stale-probe',
    );
    expect(r.stage).toBe('auth');
    expect(await authFailures('bob')).toContain('grant.revoked');
    expect((await b.auditTypes('auth.success')).filter((p) => p['user'] === 'bob')).toHaveLength(0);
    expect(await b.sshd.commands()).not.toContain('echo stale-probe');
  });

  it('never runs a command under a grant revoked between the probe and the signature', async () => {
    const carol = await b.userWithGrant('carol');
    const r = await attempt(
      carol,
      () =>
        b.store.grants
          .revoke(carol.grant.id, 'contract ended', Date.now(), 't')
          .then(() => undefined),
      'echo fresh-probe',
    );
    // Within the probe decision's lifetime the login itself may pass; the session's own re-check refuses it.
    if (r.stage === 'session') {
      expect(r.stderr).toMatch(/access denied/);
      expect(r.code).toBe(1);
    }
    expect(r.stdout).toBe('');
    expect(await b.sshd.commands()).not.toContain('echo fresh-probe');
    expect(
      (await b.store.sessions.list()).filter((s) => s.grantId === carol.grant.id),
    ).toHaveLength(0);
  });
});
