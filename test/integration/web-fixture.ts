/**
 * Shared set-up for the review web page tests: a real store in a temp dir with users, targets,
 * grants and sessions whose .cast files are written by the real recorder and sealed as the
 * bastion seals them (signed manifest, `recording.sealed`), a reviewer, and the web server on
 * 127.0.0.1:0.
 */
import type { KeptTransfers } from '../../src/core/kept-transfers.js';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { fixedClock, systemClock, type Clock } from '../../src/core/clock.js';
import type { Confirmation } from '../../src/core/checklist.js';
import type { GrantId, SessionId } from '../../src/core/model.js';
import type { SessionRef } from '../../src/core/audit-payloads.js';
import type { NewSession, Store } from '../../src/core/ports.js';
import type { TransferEvent } from '../../src/core/transfer-entries.js';
import type { ReviewerSessionTimeouts } from '../../src/core/reviewer-login.js';
import { StoreAuditor } from '../../src/adapters/store-auditor.js';
import { indexRecording } from '../../src/lifecycle/index-recording.js';
import { silentLogger } from '../../src/logging/logger.js';
import { writeManifest } from '../../src/recording/manifest.js';
import { openRecording } from '../../src/recording/recorder.js';
import { openStore } from '../../src/store/open-store.js';
import { hashPassword } from '../../src/web/password.js';
import type { RequestRules } from '../../src/web/context.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { tempDir } from '../helpers/tmp.js';
import { sessionEndEvent, sessionStartEvent } from '../helpers/session-events.js';
import { GatehouseMetrics } from '../../src/metrics/gatehouse-metrics.js';

export const REVIEWER = 'rita';
export const PASSWORD = 'correct horse battery staple';
const HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyForWebTests';
const HOUR = 3_600_000;

export interface SeededSession {
  readonly id: SessionId;
  readonly grantId: GrantId;
  readonly startedAt: number;
}

export interface WebFixture {
  /** The store, server and base URL of the current run (restart() replaces them). */
  readonly store: Store;
  readonly server: WebServer;
  readonly base: string;
  readonly recordingsDir: string;
  /** alice on db1: `echo needle-in-haystack` typed key by key, output, markers. */
  readonly alice: SeededSession;
  /** bob on web2, another grant. */
  readonly bob: SeededSession;
  /** Records and seals one more session. */
  seed(script: SessionScript): Promise<SeededSession>;
  /** Stops the web server and closes the store, then opens both again on the same files. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface WebFixtureOptions {
  /** The web server's clock (default: the system clock). */
  readonly clock?: Clock;
  readonly publicUrl?: string | null;
  readonly trustedProxies?: readonly string[];
  readonly sessionTimeouts?: ReviewerSessionTimeouts;
  /** Serve /metrics (the real counters, at zero). */
  readonly metrics?: boolean;
  /** The request rules the page judges decisions by, read at each decision (default: none). */
  readonly requestRules?: () => RequestRules;
}

export const NO_REQUEST_RULES: RequestRules = {
  policy: { rules: [], groups: {} },
  maxGrantMs: 30 * 24 * HOUR,
};

/** The config defaults (src/config/schema.ts). */
export const DEFAULT_SESSION_TIMEOUTS: ReviewerSessionTimeouts = {
  idleMs: 30 * 60_000,
  maxAgeMs: 12 * HOUR,
};

export interface SessionScript {
  readonly user: string;
  readonly target: string;
  readonly startedAt: number;
  /** [seconds after start, kind, data] */
  readonly steps: readonly (readonly [number, 'o' | 'm', string])[];
  /** The grant's checklist confirmations (the target must require exactly these items). */
  readonly confirmations?: readonly Confirmation[];
  /** The session row's kind (default: none). */
  readonly kind?: NewSession['kind'];
  /** Transfer events written through the auditor while the session is open (a transfer session). */
  readonly transfers?: readonly ((session: SessionRef) => TransferEvent)[];
  /** The kept copies its signed manifest lists (recordings.keepTransfers); no copy is written. */
  readonly kept?: KeptTransfers;
}

async function seedSession(
  store: Store,
  dir: string,
  signingKey: KeyObject,
  script: SessionScript,
): Promise<SeededSession> {
  const now = systemClock.now();
  let user = await store.users.findByName(script.user);
  user ??= await store.users.add(
    script.user,
    {
      algorithm: 'ssh-ed25519',
      blob: `AAAAC3NzaC1lZDI1NTE5AAAAI${script.user}`,
      fingerprint: `SHA256:web-test-${script.user}`,
      comment: script.user,
    },
    'admin',
  );
  const target =
    (await store.targets.findByName(script.target)) ??
    (await store.targets.add(
      { name: script.target, host: '10.0.0.5', port: 22, login: 'ops', hostKey: HOST_KEY },
      'admin',
    ));
  const nda = await store.ndas.add(
    {
      userName: script.user,
      title: `Acme contractor NDA for ${script.user}`,
      ref: `NDA-2026-${script.user}`,
      signedAt: now - 48 * HOUR,
      expiresAt: null,
      documentSha256: 'ab'.repeat(32),
    },
    'admin',
  );
  const grant = await store.grants.add(
    {
      userName: script.user,
      targetName: script.target,
      ndaId: nda.id,
      startsAt: now - HOUR,
      endsAt: now + HOUR,
      mode: 'shell',
      allowlist: [],
      reason: 'INC-4211',
      ...(script.confirmations === undefined ? {} : { confirmations: script.confirmations }),
    },
    30 * 24 * HOUR,
    now,
    'admin',
  );
  const id = randomUUID() as SessionId;
  const clock = fixedClock(script.startedAt);
  const recorder = await openRecording({
    dir,
    sessionId: id,
    startedAt: script.startedAt,
    width: 80,
    height: 24,
    title: `${script.user}@${script.target}: bash`,
    term: 'xterm-256color',
    captureInput: false,
    mode: 'strict',
    clock,
  });
  const base = { sessionId: id, grantId: grant.id, user: script.user, target: script.target };
  await store.sessions.start(
    {
      id,
      grantId: grant.id,
      userId: user.id,
      targetId: target.id,
      startedAt: script.startedAt,
      recordingPath: recorder.relativePath,
      ...(script.kind === undefined ? {} : { kind: script.kind }),
    },
    sessionStartEvent(base),
    `user:${script.user}`,
  );
  for (const [t, kind, data] of script.steps) {
    clock.set(script.startedAt + t * 1000);
    if (kind === 'o') recorder.output(Buffer.from(data, 'utf8'));
    else recorder.marker(data);
  }
  const auditor = new StoreAuditor(store.audit, silentLogger());
  for (const transfer of script.transfers ?? [])
    await auditor.record(transfer(base), `user:${script.user}`);
  const seal = await recorder.close();
  const endedAt = clock.now() + 1000;
  const sealed = {
    path: seal.relativePath,
    sha256: seal.sha256,
    bytes: seal.bytes,
    events: seal.events,
  };
  const kept = script.kept === undefined ? {} : { keptTransfers: script.kept };
  await writeManifest(dir, { sessionId: id, ...sealed, sealedAt: endedAt, ...kept }, signingKey);
  await store.audit.append(
    { type: 'recording.sealed', payload: { ...base, ...sealed } },
    `user:${script.user}`,
  );
  await store.sessions.end(
    id,
    { endedAt, reason: 'closed', exitStatus: 0, bytes: seal.bytes, sha256: seal.sha256 },
    sessionEndEvent(base),
    `user:${script.user}`,
  );
  // As the seal does: the search index gets the recording.
  await indexRecording(
    { store, recordingsDir: dir, clock: systemClock, logger: silentLogger() },
    id,
    seal.relativePath,
  );
  return { id, grantId: grant.id, startedAt: script.startedAt };
}

const typed = (start: number, text: string): [number, 'o', string][] =>
  Array.from(text, (ch, i) => [start + i * 0.1, 'o', ch] as [number, 'o', string]);

export async function startWebFixture(options: WebFixtureOptions = {}): Promise<WebFixture> {
  const dir = await tempDir('gatehouse-web-');
  const recordingsDir = join(dir, 'recordings');
  const dbPath = join(dir, 'gatehouse.db');
  let store = await openStore(dbPath);
  const keys = generateKeyPairSync('ed25519');
  const seed = (script: SessionScript): Promise<SeededSession> =>
    seedSession(store, recordingsDir, keys.privateKey, script);
  const now = Date.now();
  const alice = await seed({
    user: 'alice',
    target: 'db1',
    startedAt: now - 20 * 60_000,
    steps: [
      [0.2, 'o', '\u001b[1;32malice@db1\u001b[0m:~$ '],
      ...typed(1, 'echo needle-in-haystack'),
      [4, 'o', '\r\nneedle-in-haystack\r\nalice@db1:~$ '],
      [5, 'm', 'uptime'],
      [5.5, 'o', 'uptime\r\n 12:00:01 up 42 days,  load average: 0.00\r\n'],
      [12.5, 'm', 'df -h'],
      [
        12.6,
        'o',
        'Filesystem  Size  Used Avail Use% Mounted on\r\n/dev/sda1  40G  12G  28G  30% /\r\n',
      ],
      [14, 'o', 'alice@db1:~$ exit\r\n'],
    ],
  });
  const bob = await seed({
    user: 'bob',
    target: 'web2',
    startedAt: now - 5 * 60_000,
    steps: [[0.5, 'o', 'bob@web2:~$ ls\r\nindex.html\r\n']],
  });
  await store.reviewers.add(REVIEWER, await hashPassword(PASSWORD), 'admin');
  const metrics = options.metrics === true ? new GatehouseMetrics() : null;
  // As main.ts wires them: the page writes through the Auditor, whose listener is the metrics.
  const auditorOf = (s: Store): StoreAuditor => {
    const auditor = new StoreAuditor(s.audit, silentLogger());
    if (metrics !== null) auditor.subscribe((event) => metrics.observe(event));
    return auditor;
  };
  const serve = (port: number): Promise<WebServer> =>
    startWebServer({
      listen: { host: '127.0.0.1', port },
      store,
      auditor: auditorOf(store),
      recordingsDir,
      manifestKeys: [keys.publicKey],
      clock: options.clock ?? systemClock,
      logger: silentLogger(),
      publicUrl: options.publicUrl ?? null,
      trustedProxies: options.trustedProxies ?? [],
      sessionTimeouts: options.sessionTimeouts ?? DEFAULT_SESSION_TIMEOUTS,
      requestRules: options.requestRules ?? (() => NO_REQUEST_RULES),
      ...(metrics === null ? {} : { metrics }),
    });
  let server = await serve(0);
  return {
    get store() {
      return store;
    },
    get server() {
      return server;
    },
    get base() {
      return `http://127.0.0.1:${server.port}`;
    },
    recordingsDir,
    alice,
    bob,
    seed,
    restart: async () => {
      const port = server.port;
      await server.close();
      await store.close();
      store = await openStore(dbPath);
      server = await serve(port);
    },
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * A request with the path sent byte for byte (fetch would normalise `..` and `%2e`), from
 * `localAddress` when given (any 127.x.y.z: a distinct source for the login throttle).
 */
export function raw(
  base: string,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
  body?: string,
  localAddress?: string,
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { Host: url.host, ...headers },
        ...(localAddress === undefined ? {} : { localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a form the way the browser's login form does (same Origin). */
export function postForm(
  base: string,
  path: string,
  form: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>> = { Origin: base },
  localAddress?: string,
): Promise<RawResponse> {
  const body = new URLSearchParams(form).toString();
  return raw(
    base,
    'POST',
    path,
    { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
    localAddress,
  );
}

/** The `name=value` of the session cookie a response sets, or null. */
export function cookieOf(res: RawResponse): string | null {
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  const m = /^(gatehouse_review=[A-Za-z0-9_-]{43});/.exec(first ?? '');
  return m?.[1] ?? null;
}

export async function login(base: string, name = REVIEWER): Promise<string> {
  const res = await postForm(base, '/login', { name, password: PASSWORD });
  const cookie = cookieOf(res);
  if (res.status !== 303 || cookie === null) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

/** The form token of the session `cookie` names, as its home page's forms carry it. */
export async function formToken(base: string, cookie: string): Promise<string> {
  let res = await raw(base, 'GET', '/', { Cookie: cookie });
  if (res.status === 303)
    res = await raw(base, 'GET', String(res.headers.location), { Cookie: cookie });
  const token = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(res.body)?.[1];
  if (token === undefined) throw new Error(`no form token on the home page (${res.status})`);
  return token;
}

/** POSTs a form as the logged-in page does: same Origin, the cookie, the form token. */
export async function postAs(
  base: string,
  cookie: string,
  path: string,
  form: Readonly<Record<string, string>> = {},
): Promise<RawResponse> {
  const csrf = await formToken(base, cookie);
  return postForm(base, path, { ...form, csrf }, { Origin: base, Cookie: cookie });
}
