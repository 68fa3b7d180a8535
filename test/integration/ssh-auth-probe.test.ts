/**
 * The unsigned key probe and the signed attempt (src/transport/auth.ts): a probe is answered on
 * the user and the key alone, grants are decided after the signature. Driven with an ssh2 client
 * whose key lives in an "agent" that signs only when the test lets it (or never), so the probe's
 * answer can be seen on its own and a revocation can fall between the probe and the signature.
 */
import { readFile } from 'node:fs/promises';
import ssh2, { Client, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBastion, type BastionFixture, type TestUser } from '../helpers/bastion.js';
import { ssh2Exec } from '../helpers/ssh2-client.js';

let b: BastionFixture;
beforeAll(async () => {
  b = await startBastion();
  await b.addSshTarget('db2');
});
afterAll(async () => {
  await b.stop();
});

/**
 * Holds the key; before each signature (that is: after PK_OK) runs `beforeSign`, which may never
 * resolve (the signature is never sent).
 */
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

async function agentFor(user: TestUser, beforeSign: () => Promise<void>): Promise<SlowAgent> {
  const parsed = ssh2.utils.parseKey(await readFile(user.key.privatePath));
  if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('key');
  return new SlowAgent(parsed, beforeSign);
}

/** Offers the agent's one key as `login`; resolves true on `ready`, false once auth failed. */
function connect(client: Client, login: string, agent: SlowAgent): Promise<boolean> {
  let offered = false;
  return new Promise<boolean>((resolve) => {
    client.once('ready', () => resolve(true));
    client.once('error', () => resolve(false));
    client.connect({
      host: '127.0.0.1',
      port: b.port,
      username: login,
      authHandler: (_methods, _partial, next) => {
        if (offered) return false; // ssh2: nothing else to try
        offered = true;
        next({ type: 'agent', username: login, agent });
        return undefined;
      },
    });
  });
}

/** The server's answer to an unsigned probe of `key` as `login`: PK_OK, or a refusal. */
async function probe(login: string, key: TestUser): Promise<'PK_OK' | 'refused'> {
  const client = new Client();
  let pkOk!: () => void;
  const signing = new Promise<'PK_OK'>((resolve) => {
    pkOk = () => resolve('PK_OK');
  });
  // The agent is asked to sign only after PK_OK; it never answers, so no signature is sent.
  const agent = await agentFor(key, () => {
    pkOk();
    return new Promise<void>(() => undefined);
  });
  try {
    const refused = connect(client, login, agent).then(() => 'refused' as const);
    return await Promise.race([signing, refused]);
  } finally {
    client.end();
  }
}

/** Logs in through SlowAgent and runs `command`: what the user got, at which stage. */
async function attempt(
  user: TestUser,
  beforeSign: () => Promise<void>,
  command: string,
  login = `${user.name}+db1`,
): Promise<{ stage: 'auth' | 'session'; stdout: string; stderr: string; code: number | null }> {
  const agent = await agentFor(user, beforeSign);
  const client = new Client();
  try {
    const ready = await connect(client, login, agent);
    if (!ready) return { stage: 'auth', stdout: '', stderr: '', code: null };
    return { stage: 'session', ...(await ssh2Exec(client, command)) };
  } finally {
    client.end();
  }
}

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

  it('decides the grant after the signature: one revoked after the probe refuses the login', async () => {
    const carol = await b.userWithGrant('carol');
    const r = await attempt(
      carol,
      () =>
        b.store.grants
          .revoke(carol.grant.id, 'contract ended', Date.now(), 't')
          .then(() => undefined),
      'echo after-probe',
    );
    expect(r.stage).toBe('auth');
    expect(await authFailures('carol')).toEqual(['grant.revoked']);
    expect((await b.auditTypes('auth.success')).filter((p) => p['user'] === 'carol')).toHaveLength(
      0,
    );
    expect(await b.sshd.commands()).not.toContain('echo after-probe');
  });
});

describe('what an unsigned probe tells', () => {
  it('answers on the user and the key alone: a granted target, another target, none and a revoked grant alike', async () => {
    const dora = await b.userWithGrant('dora');
    const revoked = await b.userWithGrant('rita');
    await b.store.grants.revoke(revoked.grant.id, 'contract ended', Date.now(), 't');
    const answers = {
      granted: await probe('dora+db1', dora),
      notGranted: await probe('dora+db2', dora),
      unknownTarget: await probe('dora+nosuch', dora),
      plain: await probe('dora', dora),
      revoked: await probe('rita+db1', revoked),
    };
    expect(answers).toEqual({
      granted: 'PK_OK',
      notGranted: 'PK_OK',
      unknownTarget: 'PK_OK',
      plain: 'PK_OK',
      revoked: 'PK_OK',
    });
    // Only refusals are audited; nothing was refused.
    expect(await authFailures('dora')).toEqual([]);
    expect(await authFailures('rita')).toEqual([]);
  });

  it('refuses an unknown user the same as a known user offering a key that is not theirs', async () => {
    const ed = await b.userWithGrant('ed');
    const fay = await b.addUser('fay');
    expect({
      unknownUser: await probe('nobody+db1', ed),
      notTheirKey: await probe('fay+db1', ed),
      otherUsersKey: await probe('ed+db1', fay),
    }).toEqual({ unknownUser: 'refused', notTheirKey: 'refused', otherUsersKey: 'refused' });
    expect(await authFailures('nobody')).toEqual(['user.unknown']);
    expect(await authFailures('fay')).toEqual(['key.unknown']);
  });

  it('still decides by the grant once the key is proven: db2 has no grant, db1 has', async () => {
    const gus = await b.userWithGrant('gus');
    const refused = await attempt(gus, () => Promise.resolve(), 'echo via-db2', 'gus+db2');
    expect(refused.stage).toBe('auth');
    expect(await authFailures('gus')).toEqual(['grant.none']);
    const allowed = await attempt(gus, () => Promise.resolve(), 'echo via-db1', 'gus+db1');
    expect(allowed).toMatchObject({ stage: 'session', stdout: 'via-db1\n', code: 0 });
    expect(await b.sshd.commands()).not.toContain('echo via-db2');
  });
});
