import { expect, test } from 'vitest';
import { row } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * The renderer sets styles only through the CSSOM (React's style prop, React Flow, the
 * virtualiser), never with style attributes or <style> elements, so it runs under
 * `style-src 'self'` without 'unsafe-inline': the policy the host itself sends, which the test
 * reads from the page's response. Any violation the browser reports fails the test.
 */
const suite = e2eSuite();

test("the form, the sidebar, the live chart, the timeline and the actor diagram run under style-src 'self' with no violation", async () => {
  const page = await suite.browser.context.newPage();
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample || '') + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
  `);
  const response = await page.goto(suite.app.url);
  const policy = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  expect(policy).toMatch(/style-src 'self'(;|$)/);
  expect(policy).not.toContain('unsafe-inline');

  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('strict (e2e)');
  await form.getByLabel('Environment').selectOption('production');
  await form.getByLabel('#d0384e').check({ force: true });
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await row(page, 'strict (e2e)').click();
  await page.locator('.chart-state', { hasText: 'closed' }).first().waitFor();

  // The CSSOM did its work: the colour tag and the chart's nodes are where they should be.
  type Styled = { getComputedStyle(el: unknown): { backgroundColor: string } };
  const tag = await row(page, 'strict (e2e)')
    .locator('.color-tag')
    .evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).backgroundColor);
  expect(tag).toBe('rgb(208, 56, 78)');

  // The all-connections timeline (its axis placed through the CSSOM) and the actor diagram.
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await page.locator('.lanes-lane', { hasText: 'strict (e2e)' }).waitFor();
  type Placed = { style: { left: string } };
  const ticks = await page
    .locator('.lanes-tick')
    .evaluateAll((els) => els.map((el) => (el as unknown as Placed).style.left));
  expect(ticks.length).toBeGreaterThan(0);
  expect(ticks.every((left) => /%$/.test(left))).toBe(true);
  await page.getByRole('tab', { name: 'Actor system' }).click();
  await page.locator('.actor-node-connection', { hasText: 'strict (e2e)' }).waitFor();
  expect(await page.evaluate('window.__violations')).toEqual([]);
});
