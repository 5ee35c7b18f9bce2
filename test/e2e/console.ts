import type { Locator, Page } from 'playwright-core';
import type { SharedServer } from '../harness/shared.ts';
import { row, until } from './page.ts';
import type { E2eSuite } from './suite.ts';

export interface ScriptConsole {
  page: Page;
  panel: Locator;
  /** Fills the editor with a script and clicks Run, without waiting for anything. */
  start(script: string): Promise<void>;
  /** Runs a script and waits until its steps (or its error) are shown and Run is back. */
  run(script: string): Promise<void>;
  /** The steps shown, in order. */
  steps: Locator;
  /** The console session's backend, as the server numbers it. */
  backendPid(): Promise<number>;
}

/**
 * A connection to the test server saved through the form (with the safety profile asked for),
 * connected, its console open with its session held: what a user has before pasting a script.
 */
export async function openScriptConsole(
  suite: E2eSuite,
  pg: SharedServer,
  opts: { name: string; production?: boolean; readonly?: boolean },
): Promise<ScriptConsole> {
  const page = await suite.browser.context.newPage();
  await page.goto(suite.app.url);
  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill(opts.name);
  await form.getByLabel('Host', { exact: true }).fill(pg.host);
  await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
  await form.getByLabel('Database', { exact: true }).fill(pg.database);
  await form.getByLabel('User', { exact: true }).fill(pg.user);
  await form.getByLabel('Password', { exact: true }).fill(pg.password);
  if (opts.production) {
    // Production turns read-only on by itself; turning it off asks first.
    await form.getByLabel('Environment').selectOption('production');
    if (opts.readonly === false) {
      await form.getByLabel('Read-only').click();
      await page.getByRole('button', { name: 'Allow writes' }).click();
    }
  } else if (opts.readonly) {
    await form.getByLabel('Read-only').check();
  }
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });

  const connection = row(page, opts.name);
  await connection.click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'connected',
    () => connection.getAttribute('data-status'),
    (s) => s === 'connected',
  );
  await page.getByRole('tab', { name: 'Console' }).click();
  const panel = page.getByRole('region', { name: 'Query console' });
  await until(
    'the session',
    async () => (await panel.getByTestId('transaction-state').textContent()) ?? '',
    (text) => text === 'No transaction open',
  );
  const runButton = panel.getByRole('button', { name: /^(Run|Running…)$/ });
  const output = panel.locator('.console-output');
  const start = async (script: string) => {
    await panel.getByLabel('SQL').fill(script);
    await runButton.click();
  };
  const outcomes = async () => Number((await output.getAttribute('data-outcome')) ?? 0);
  const run = async (script: string) => {
    const before = await outcomes();
    await start(script);
    await until(
      'the script finished',
      async () => (await outcomes()) > before && (await runButton.textContent()) === 'Run',
      (done) => done,
    );
  };
  return {
    page,
    panel,
    start,
    run,
    steps: panel.getByTestId('step'),
    async backendPid() {
      await run('select pg_backend_pid() as pid');
      return Number(await panel.locator('table.grid tbody td').first().textContent());
    },
  };
}
