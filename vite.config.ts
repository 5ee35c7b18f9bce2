import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const integration = {
  globalSetup: ['test/harness/global-setup.ts'],
  setupFiles: ['test/harness/fail-on-unhandled.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  root: '.',
  plugins: [react()],
  // index.html at the root, so the built page is dist/renderer/index.html. No inline script or
  // style ends up in it: the hosts serve it with `script-src 'self'; style-src 'self'`.
  build: {
    outDir: 'dist/renderer',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
  },
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['machines/**/*.test.ts', 'test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['renderer/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['main/**/*.test.ts', 'test/harness/**/*.test.ts'],
          ...integration,
        },
      },
      {
        extends: true,
        test: { name: 'model', include: ['model-tests/**/*.test.ts'], ...integration },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/build-renderer.ts', 'test/harness/global-setup.ts'],
          setupFiles: ['test/harness/fail-on-unhandled.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser and one app at a time: the machine is small and the flows are long.
          fileParallelism: false,
        },
      },
    ],
  },
});
