// Prints "N passed, N failed" from Vitest's JSON report, so a run that executed nothing shows.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-results.json';
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  if (report.success === false && failed === 0) failed = 1;
} catch (error) {
  console.error(`count-results: cannot read ${file}: ${error.message}`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
