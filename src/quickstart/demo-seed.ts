/**
 * The demo's people and permissions, through the Store port like the CLI: the contractor `demo`
 * with its key, an NDA, the command targets `sandbox` (a shell) and `tools` (an allowlist), a
 * 2-hour grant on each, and the reviewer `reviewer`. Idempotent: what exists is reused; a grant
 * that expired (or has less than 15 minutes left) is replaced by a fresh one.
 */
import { GatehouseError } from '../core/errors.js';
import type { EpochMs, Grant, GrantMode, Nda } from '../core/model.js';
import type { Actor, NewCommandTarget, Store } from '../core/ports.js';
import { parsePublicKey } from '../keys/public-key.js';

export const DEMO_USER = 'demo';
export const DEMO_REVIEWER = 'reviewer';
export const SANDBOX = 'sandbox';
export const TOOLS = 'tools';
export const TOOLS_ALLOWLIST: readonly string[] = ['uptime', 'df -h', 'date'];
const NDA_REF = 'DEMO-NDA-1';
const GRANT_MS = 2 * 60 * 60 * 1000;
const MIN_LEFT_MS = 15 * 60 * 1000;

export interface SeedInput {
  readonly userPublicLine: string;
  readonly sandbox: Omit<NewCommandTarget, 'kind' | 'name'>;
  readonly tools: Omit<NewCommandTarget, 'kind' | 'name'>;
  readonly maxDurationMs: number;
  readonly now: EpochMs;
  readonly actor: Actor;
}

export interface SeedResult {
  readonly nda: Nda;
  readonly sandboxGrant: Grant;
  readonly toolsGrant: Grant;
  /** What this run created (for the printed summary). */
  readonly created: readonly string[];
}

async function ensureUser(store: Store, input: SeedInput, created: string[]): Promise<void> {
  const parsed = parsePublicKey(input.userPublicLine);
  if (!parsed.ok) throw new GatehouseError('internal', `demo key: ${parsed.message}`);
  const { algorithm, blob, fingerprint, comment } = parsed.key;
  const key = { algorithm, blob, fingerprint, comment };
  const user = await store.users.findByName(DEMO_USER);
  if (user === null) {
    await store.users.add(DEMO_USER, key, input.actor);
    created.push(`user ${DEMO_USER}`);
    return;
  }
  if (user.disabled) await store.users.setDisabled(DEMO_USER, false, input.actor);
  const keys = await store.users.keys(user.id);
  if (!keys.some((k) => k.fingerprint === fingerprint)) {
    await store.users.addKey(DEMO_USER, key, input.actor);
    created.push(`key ${fingerprint}`);
  }
}

async function ensureNda(store: Store, input: SeedInput, created: string[]): Promise<Nda> {
  const ndas = await store.ndas.list({ userName: DEMO_USER });
  const usable = ndas.find(
    (n) =>
      n.ref === NDA_REF &&
      n.revokedAt === null &&
      n.signedAt <= input.now &&
      (n.expiresAt === null || n.expiresAt > input.now + GRANT_MS),
  );
  if (usable !== undefined) return usable;
  const today = input.now - (input.now % 86_400_000);
  const nda = await store.ndas.add(
    {
      userName: DEMO_USER,
      title: 'gatehouse demo NDA',
      ref: NDA_REF,
      signedAt: today,
      expiresAt: null,
      documentSha256: null,
    },
    input.actor,
  );
  created.push(`nda ${nda.id}`);
  return nda;
}

async function ensureTarget(
  store: Store,
  target: NewCommandTarget,
  input: SeedInput,
  created: string[],
): Promise<void> {
  const existing = await store.targets.findByName(target.name);
  if (existing?.kind === 'command' && existing.runAs === null) {
    // A demo folder from before run-as existed: its targets would be refused.
    await store.targets.setRunAs(target.name, target.runAs, input.actor);
    created.push(`run-as ${target.runAs} for ${target.name}`);
  }
  if (existing !== null) return;
  await store.targets.add(target, input.actor);
  created.push(`target ${target.name}`);
}

async function ensureGrant(
  store: Store,
  spec: {
    readonly target: string;
    readonly mode: GrantMode;
    readonly allowlist: readonly string[];
  },
  nda: Nda,
  input: SeedInput,
  created: string[],
): Promise<Grant> {
  const active = await store.grants.list({
    activeAt: input.now,
    userName: DEMO_USER,
    targetName: spec.target,
  });
  const same = (g: Grant): boolean =>
    g.mode === spec.mode &&
    g.ndaId === nda.id &&
    g.endsAt - input.now >= MIN_LEFT_MS &&
    g.allowlist.join('\n') === spec.allowlist.join('\n');
  const reusable = active.filter(same).sort((a, b) => b.endsAt - a.endsAt)[0];
  if (reusable !== undefined) return reusable;
  const grant = await store.grants.add(
    {
      userName: DEMO_USER,
      targetName: spec.target,
      ndaId: nda.id,
      startsAt: input.now,
      endsAt: input.now + GRANT_MS,
      mode: spec.mode,
      allowlist: spec.allowlist,
      reason: 'gatehouse demo',
    },
    input.maxDurationMs,
    input.now,
    input.actor,
  );
  created.push(`grant ${grant.id} (${spec.target}, ${spec.mode})`);
  return grant;
}

export async function seedDemo(store: Store, input: SeedInput): Promise<SeedResult> {
  const created: string[] = [];
  await ensureUser(store, input, created);
  const nda = await ensureNda(store, input, created);
  await ensureTarget(store, { kind: 'command', name: SANDBOX, ...input.sandbox }, input, created);
  await ensureTarget(store, { kind: 'command', name: TOOLS, ...input.tools }, input, created);
  const sandboxGrant = await ensureGrant(
    store,
    { target: SANDBOX, mode: 'shell', allowlist: [] },
    nda,
    input,
    created,
  );
  const toolsGrant = await ensureGrant(
    store,
    { target: TOOLS, mode: 'commands', allowlist: TOOLS_ALLOWLIST },
    nda,
    input,
    created,
  );
  return { nda, sandboxGrant, toolsGrant, created };
}
