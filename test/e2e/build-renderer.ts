import { build } from 'vite';

/**
 * The end-to-end tests drive the built page, as `npm start` serves it: build it once per run,
 * so a test never runs against a stale dist/renderer.
 */
export default async function setup() {
  await build({
    logLevel: 'warn',
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
  });
}
