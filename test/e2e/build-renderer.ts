import { build } from 'vite';

/**
 * The end-to-end tests drive the built page, as `npm start` serves it: build it once per run,
 * so a test never runs against a stale dist/renderer. Vitest sets NODE_ENV=test, which Vite
 * would honour and ship React's development build; the app ships the production one.
 */
export default async function setup() {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      mode: 'production',
      logLevel: 'warn',
      configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    });
  } finally {
    process.env.NODE_ENV = before;
  }
}
