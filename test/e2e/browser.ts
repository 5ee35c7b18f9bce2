import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium: playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.TUSK_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile of its own (a persistent context, so --user-data-dir is ours),
 * removed on close. `colorScheme` picks the theme the page sees from the OS.
 */
export async function launchBrowser(
  opts: {
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
    /** More Chromium switches, for a test that needs one. */
    extraArgs?: string[];
  } = {},
): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'tusk-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...ARGS, ...(opts.extraArgs ?? [])],
      colorScheme: opts.colorScheme ?? 'light',
      viewport: opts.viewport ?? { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
