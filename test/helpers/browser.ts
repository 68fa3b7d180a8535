/** Headless Debian Chromium through playwright-core, with a fresh profile per launch. */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './tmp.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A browser context on a new, empty user-data-dir (no cookies, no cache from earlier runs). */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = await tempDir('gatehouse-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 1000 },
    timeout: 60_000,
  });
  return { context, close: () => context.close() };
}
