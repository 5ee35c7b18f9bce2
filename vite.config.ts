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
  build: { outDir: 'dist/renderer', emptyOutDir: true },
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
          name: 'integration',
          include: ['main/**/*.test.ts', 'test/harness/**/*.test.ts'],
          ...integration,
        },
      },
      {
        extends: true,
        test: { name: 'model', include: ['model-tests/**/*.test.ts'], ...integration },
      },
    ],
  },
});
