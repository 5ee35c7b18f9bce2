import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = fileURLToPath(new URL('fixtures/unhandled/vitest.config.ts', import.meta.url));

type Report = {
  success: boolean;
  numFailedTests: number;
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[];
  }[];
};

test('a leaked rejection in a passing test fails that test and the whole run (exit code)', async () => {
  const out = await mkdtemp(join(tmpdir(), 'tusk-unhandled-'));
  try {
    const report = join(out, 'report.json');
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const args = ['run', '--config', config, '--reporter=json', `--outputFile=${report}`];
    const exitCode = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, [vitest, ...args], { cwd: root }, (error) =>
        resolve(error ? (typeof error.code === 'number' ? error.code : null) : 0),
      );
    });

    // With the integration project's global setup in place, as in npm test.
    expect(exitCode).not.toBe(0);
    const { success, numFailedTests, testResults } = JSON.parse(
      await readFile(report, 'utf8'),
    ) as Report;
    expect(success).toBe(false);
    expect(numFailedTests).toBe(1);
    const [leaky, after] = testResults[0]?.assertionResults ?? [];
    expect(leaky?.status).toBe('failed');
    expect(leaky?.failureMessages.join('\n')).toMatch(/unhandled error.*tusk-leaked-rejection/);
    expect(after?.status).toBe('passed');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
