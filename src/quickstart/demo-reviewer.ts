/**
 * The demo's reviewer: created once with a generated password, kept in `demo/reviewer-password`
 * (0600) so that later runs can print it again; plus a fresh one-time login link every run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EpochMs } from '../core/model.js';
import type { Actor, Store } from '../core/ports.js';
import { newLoginToken } from '../web/auth.js';
import { generatePassword, hashPassword } from '../web/password.js';

const LINK_MS = 60 * 60 * 1000;

export interface DemoReviewer {
  readonly name: string;
  /** null: the reviewer existed and its password file is gone (the link still works). */
  readonly password: string | null;
  /** The one-time login token (valid one hour); the caller builds the URL with the bound port. */
  readonly linkToken: string;
}

export async function ensureDemoReviewer(
  store: Store,
  dir: string,
  name: string,
  now: EpochMs,
  actor: Actor,
): Promise<DemoReviewer> {
  const passwordFile = path.join(dir, 'reviewer-password');
  let password: string | null;
  if ((await store.reviewers.findByName(name)) === null) {
    password = generatePassword();
    // Both roles: the demo shows the recordings and the access requests.
    await store.reviewers.add(name, await hashPassword(password), actor, ['reviewer', 'approver']);
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  } else {
    password = await readFile(passwordFile, 'utf8').then(
      (t) => t.trim() || null,
      () => null,
    );
  }
  const { token, sha256 } = newLoginToken();
  await store.reviewers.addLoginToken(name, sha256, now + LINK_MS, actor);
  return { name, password, linkToken: token };
}
