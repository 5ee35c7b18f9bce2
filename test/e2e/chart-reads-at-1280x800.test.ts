import { expect, test } from 'vitest';
import { row } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * In a 1280 x 800 window the state chart opens fitted whole to its panel, and what Chromium
 * actually draws reads: every state's name at least 10 px tall on screen, every state inside
 * the panel; a transition label, tiny at that zoom, is magnified to read when hovered.
 */
const suite = e2eSuite();

type El = {
  getBoundingClientRect(): {
    left: number;
    top: number;
    right: number;
    bottom: number;
    height: number;
  };
};
type Win = { getComputedStyle(el: unknown): { fontSize: string } };

test('fitted at 1280 x 800, every state name is drawn 10 px or more and a hovered label is magnified', async () => {
  const page = await suite.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(suite.app.url);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('readable (e2e)');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await row(page, 'readable (e2e)').click();
  await page.locator('.chart-state', { hasText: 'serverInfo' }).first().waitFor();
  await page.evaluate(`document.querySelector('.chart').scrollIntoView({ block: 'end' })`);
  await page.waitForTimeout(400);

  const pane = await page
    .getByTestId('state-chart')
    .evaluate((el) => (el as unknown as El).getBoundingClientRect());
  const zoom = Number(
    /scale\(([\d.]+)\)/.exec(
      await page
        .locator('.react-flow__viewport')
        .evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform),
    )?.[1],
  );
  expect(zoom).toBeGreaterThan(0.4);
  const names = await page.locator('.chart-state-name').evaluateAll((els) =>
    els.map((el) => ({
      px: Number.parseFloat((globalThis as unknown as Win).getComputedStyle(el).fontSize),
      box: (el as unknown as El).getBoundingClientRect(),
    })),
  );
  expect(names.length).toBeGreaterThan(25);
  for (const { px, box } of names) {
    expect(px * zoom).toBeGreaterThanOrEqual(10);
    expect(box.left).toBeGreaterThanOrEqual(pane.left);
    expect(box.right).toBeLessThanOrEqual(pane.right);
    expect(box.top).toBeGreaterThanOrEqual(pane.top);
    expect(box.bottom).toBeLessThanOrEqual(pane.bottom);
  }

  const label = page.locator('.chart-label', { hasText: 'after connectTimeout' }).first();
  const before = await label.evaluate((el) => (el as unknown as El).getBoundingClientRect().height);
  expect(before).toBeLessThan(8);
  await label.hover();
  await expect
    .poll(() => label.evaluate((el) => (el as unknown as El).getBoundingClientRect().height))
    .toBeGreaterThanOrEqual(11);
  expect(await label.getAttribute('title')).toContain('after connectTimeout');
});
