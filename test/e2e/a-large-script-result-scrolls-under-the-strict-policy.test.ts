import { expect, test } from 'vitest';
import { sharedServer } from '../harness/shared.ts';
import { openScriptConsole } from './console.ts';
import { until } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * A step's rows are virtualised: a 50,000-row result draws the rows in sight only, its scroll
 * height stands for all of them (spacer rows sized through the CSSOM, which the page's
 * `style-src 'self'` allows where a style attribute would be refused), and scrolling to the
 * end brings the last row. Any policy violation the browser reports fails the test.
 */
const pg = sharedServer();
const suite = e2eSuite();

test('a 50,000-row step draws tens of rows, scrolls to its last one, and breaks no style policy', async () => {
  const c = await openScriptConsole(suite, pg, { name: 'large result (e2e)' });
  await c.page.evaluate(`(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample || '')));
  })()`);
  await c.run(
    "select 1 as first;\nselect g, 'row ' || g as label from generate_series(1, 50000) g",
  );
  const step = c.steps.nth(1);
  expect(await step.getByTestId('result-summary').textContent()).toBe('50000 rows');
  const drawn = step.locator('tbody tr:not(.spacer)');
  expect(await drawn.count()).toBeGreaterThan(5);
  expect(await drawn.count()).toBeLessThan(100);
  expect(await drawn.first().textContent()).toBe('1row 1');

  const scroller = step.locator('.result-scroll');
  const height = await scroller.evaluate(
    (el) => (el as unknown as { scrollHeight: number }).scrollHeight,
  );
  expect(height).toBeGreaterThan(50_000 * 20);
  await scroller.evaluate((el) => {
    const box = el as unknown as { scrollTop: number; scrollHeight: number };
    box.scrollTop = box.scrollHeight;
  });
  await until(
    'the last row drawn',
    async () => (await drawn.last().textContent()) ?? '',
    (text) => text === '50000row 50000',
  );
  expect(await drawn.count()).toBeLessThan(100);
  expect(await c.page.evaluate('window.__violations')).toEqual([]);
  await c.page.close();
});
