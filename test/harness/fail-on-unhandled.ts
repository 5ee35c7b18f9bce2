import { afterAll, afterEach } from 'vitest';

/*
 * Vitest 4 already reports an unhandled rejection or uncaught exception and exits non-zero, but
 * the test that caused it stays green: its JSON report says success: true, 0 failed. This fails
 * that test (or, for errors after the last one, the file), so the failure is counted where it
 * began. fail-on-unhandled.test.ts proves both in a child Vitest run.
 */

const unhandled: unknown[] = [];
const record = (error: unknown) => {
  unhandled.push(error);
};
process.on('unhandledRejection', record);
process.on('uncaughtException', record);

function failIfUnhandled(when: string) {
  const errors = unhandled.splice(0);
  if (errors.length === 0) return;
  const list = errors.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)));
  // Not an AggregateError: Vitest would report only the inner errors and lose the "when".
  throw new Error(`unhandled error ${when}: ${list.join('; ')}`, {
    cause: errors.length === 1 ? errors[0] : errors,
  });
}

afterEach(() => failIfUnhandled('during this test (or just before it)'));

afterAll(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
  failIfUnhandled('after the last test of this file');
});
