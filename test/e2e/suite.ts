import { afterAll, beforeAll } from 'vitest';
import { type RunningApp, startApp } from './app.ts';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { makeDataDir } from './page.ts';

export interface E2eSuite {
  data: Awaited<ReturnType<typeof makeDataDir>>;
  app: RunningApp;
  browser: TestBrowser;
}

/**
 * One app for the test file (npm start's browser mode over a fresh data directory, without the
 * demo unless asked) and one browser, both gone after the file's last test. Its fields are set
 * in beforeAll, so tests read them from the returned object, not at import time.
 */
export function e2eSuite(options: { demo?: boolean } = {}): E2eSuite {
  const suite = {} as E2eSuite;
  beforeAll(async () => {
    suite.data = await makeDataDir();
    suite.app = await startApp({ dataDir: suite.data.dir, demo: options.demo ?? false });
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.app?.stop();
    await suite.data?.dispose();
  });
  return suite;
}
