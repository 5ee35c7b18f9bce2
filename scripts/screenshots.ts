/**
 * `npx tsx scripts/screenshots.ts [--out docs/screenshots]`: starts the app as `npm start` does
 * (browser mode with the demo) on a fresh data directory, fills it with a realistic set of saved
 * connections, drives Chromium through the main screens and writes one PNG per screen.
 * Run it under scripts/with-keyring.sh, as the tests are, so no real keyring is touched.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import WebSocket from 'ws';
import { type RunningApp, startApp } from '../test/e2e/app.ts';
import { launchBrowser } from '../test/e2e/browser.ts';
import { makeDataDir, row, until } from '../test/e2e/page.ts';
import { type SshServer, startSshd } from '../test/harness/sshd.ts';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'docs/screenshots' } },
});
const out = resolve(values.out!);
const VIEWPORT = { width: 1440, height: 900 };
const DEMO = 'Demo (embedded)';

/** One command over the app's own WebSocket, as the page sends it. */
async function commander(app: RunningApp) {
  const url = new URL(app.url);
  const socket = new WebSocket(`ws://${url.host}/ipc?token=${url.searchParams.get('token')}`, {
    origin: `http://${url.host}`,
  });
  await new Promise((ok, fail) => socket.once('open', ok).once('error', fail));
  let next = 1;
  const waiting = new Map<
    number,
    (frame: { ok: boolean; result?: unknown; error?: unknown }) => void
  >();
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (typeof frame.id === 'number') waiting.get(frame.id)?.(frame);
  });
  return {
    async send(command: string, args: unknown): Promise<unknown> {
      const id = next++;
      const reply = await new Promise<{ ok: boolean; result?: unknown; error?: unknown }>((ok) => {
        waiting.set(id, ok);
        socket.send(JSON.stringify({ id, command, args }));
      });
      if (!reply.ok) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    close: () => socket.close(),
  };
}

/** Saved connections a team keeps next to the demo: grouped, tagged, most of them idle. */
async function seed(send: (command: string, args: unknown) => Promise<unknown>) {
  const groups = {
    prod: crypto.randomUUID(),
    staging: crypto.randomUUID(),
    local: crypto.randomUUID(),
  };
  await send('save_group', { group: { id: groups.prod, name: 'Production' } });
  await send('save_group', { group: { id: groups.staging, name: 'Staging' } });
  await send('save_group', { group: { id: groups.local, name: 'Local' } });
  const saved: [string, string, string, 'production' | 'staging' | 'development', boolean][] = [
    ['orders-primary', 'orders-db.prod.internal', groups.prod, 'production', true],
    ['orders-replica', 'orders-ro.prod.internal', groups.prod, 'production', true],
    ['billing', 'billing-db.prod.internal', groups.prod, 'production', true],
    ['analytics warehouse', 'dwh.prod.internal', groups.prod, 'production', true],
    ['orders (staging)', 'orders-db.staging.internal', groups.staging, 'staging', false],
    ['billing (staging)', 'billing-db.staging.internal', groups.staging, 'staging', false],
    ['local dev', 'localhost', groups.local, 'development', false],
    ['migrations sandbox', 'localhost', groups.local, 'development', false],
  ];
  for (const [name, host, groupId, environment, readonly] of saved) {
    await send('save_connection', {
      config: {
        id: crypto.randomUUID(),
        name,
        host,
        port: 5432,
        database: name.split(' ')[0]!.replace(/-.*/, ''),
        username: 'app',
        sslMode: environment === 'development' ? 'disable' : 'require',
        environment,
        groupId,
        options: {
          readonly,
          ...(environment === 'production' ? { statementTimeoutMs: 30_000 } : {}),
        },
      },
    });
  }
}

/** A script the way a user might paste one: setup, a few results, then a mistake. */
const SCRIPT = `create temp table orders (id int primary key, customer text, total numeric(10, 2));
insert into orders
  select g, 'customer ' || g, (g * 37 % 500) + 0.99 from generate_series(1, 40) g;
select id, customer, total from orders order by id limit 8;
select customer, total from orders order by total desc limit 3;
select sum(total) as revenue from order_lines;
select 'not run' as after_the_error;`;

/** What pg_dumpall writes at the top of a cluster dump, then the data. */
const RESTORE = `--
-- PostgreSQL database cluster dump
--

SET default_transaction_read_only = off;

SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

COMMIT;

INSERT INTO orders_archive VALUES (1, 19.99), (2, 5.00);
`;

/** Pastes a script into a console and runs it, once its session is held. */
async function runScript(panel: Locator, script: string) {
  await until(
    'the console session',
    async () => (await panel.getByTestId('transaction-state').textContent()) ?? '',
    (text) => text === 'No transaction open',
  );
  await panel.getByLabel('SQL').fill(script);
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
}

async function shoot(page: Page, name: string) {
  const path = join(out, `${name}.png`);
  await page.screenshot({ path });
  process.stderr.write(`screenshots: ${path}\n`);
}

const data = await makeDataDir();
let app: RunningApp | undefined;
let sshd: SshServer | undefined;
try {
  await mkdir(out, { recursive: true });
  app = await startApp({ dataDir: data.dir });
  const ipc = await commander(app);
  await seed(ipc.send);

  for (const scheme of ['light', 'dark'] as const) {
    const browser = await launchBrowser({ colorScheme: scheme, viewport: VIEWPORT });
    try {
      const page = await browser.context.newPage();
      await page.goto(app.url);
      const demo = row(page, DEMO);
      await demo.click();
      if ((await demo.getAttribute('data-status')) !== 'connected') {
        await page.getByRole('button', { name: 'Connect', exact: true }).click();
      }
      await until(
        'the demo',
        () => demo.getAttribute('data-status'),
        (s) => s === 'connected',
      );
      // Let a keepalive or two go by, so the history and the latency are real; and the page
      // back online, so the history shows a WAKE with its cause.
      await page.waitForTimeout(4_000);
      await ipc.send('wake_all', { cause: 'online' });
      await page.waitForTimeout(500);
      if (scheme === 'dark') {
        await shoot(page, 'dark-connected');
        continue;
      }

      // Longer than the button's 5 s, so the backoff grows enough to show a countdown.
      const demoId = (await demo.getAttribute('data-connection-id'))!;
      await ipc.send('demo_fault', { connectionId: demoId, fault: 'blackhole', seconds: 25 });
      await until(
        'a countdown of a second or more',
        () =>
          page
            .locator('.countdown')
            .first()
            .textContent({ timeout: 100 })
            .catch(() => ''),
        (text) => Number(/next try in ([\d.]+) s/.exec(text ?? '')?.[1] ?? 0) >= 1,
        40_000,
      );
      await shoot(page, 'reconnecting-countdown');
      await until(
        'the demo back',
        () => demo.getAttribute('data-status'),
        (s) => s === 'connected',
        60_000,
      );

      // The state chart at 1280 x 800, scrolled into view: the whole machine fitted, then
      // travelled back to the moment the blackhole dropped the connection.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.evaluate(`document.querySelector('.chart').scrollIntoView({ block: 'end' })`);
      await page.waitForTimeout(600);
      await shoot(page, 'connected-chart');
      await page
        .locator('.travel-mark[aria-label*="connected.pinging to reconnecting"]')
        .last()
        .click();
      await page.waitForTimeout(600);
      await shoot(page, 'chart-time-travel');
      await page.getByRole('button', { name: 'Live', exact: true }).click();
      await page.setViewportSize(VIEWPORT);

      // A wrong password, against the demo's own server.
      const config = (await ipc.send('list_connections', {})) as {
        config: { name: string; host: string; port: number };
      }[];
      const target = config.find((c) => c.config.name === DEMO)!.config;
      await page.getByRole('button', { name: 'New connection' }).click();
      const form = page.getByRole('dialog', { name: 'New connection' });
      await form.getByLabel('Name', { exact: true }).fill('reporting');
      await form.getByLabel('Host', { exact: true }).fill(target.host);
      await form.getByLabel('Port', { exact: true }).fill(String(target.port));
      await form.getByLabel('Password', { exact: true }).fill('not-the-password');
      await form.getByLabel('SSL mode').selectOption('disable');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await row(page, 'reporting').click();
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await until(
        'the error',
        () => row(page, 'reporting').getAttribute('data-status'),
        (s) => s === 'error',
      );
      await page.waitForTimeout(300);
      await shoot(page, 'error');

      await page.getByRole('button', { name: 'New connection' }).click();
      const invalid = page.getByRole('dialog', { name: 'New connection' });
      await invalid.getByLabel('Port', { exact: true }).fill('70000');
      await invalid.getByLabel('Statement timeout').fill('-5');
      await invalid.getByLabel('SSL mode').selectOption('verify-full');
      await invalid.getByRole('button', { name: 'Save' }).click();
      await invalid.getByLabel('Name', { exact: true }).focus();
      await shoot(page, 'form-validation');
      await page.keyboard.press('Escape');

      // The SSH tunnel and the host list, filled in as for a replicated database behind a bastion.
      await page.getByRole('button', { name: 'New connection' }).click();
      const ssh = page.getByRole('dialog', { name: 'New connection' });
      await ssh.getByLabel('Name', { exact: true }).fill('orders (via bastion)');
      await ssh.getByLabel('Host', { exact: true }).fill('orders-db-1.prod.internal');
      await ssh.getByRole('button', { name: 'Add host' }).click();
      await ssh.getByLabel('Host 2', { exact: true }).fill('orders-db-2.prod.internal');
      await ssh.getByLabel('Target session').selectOption('read-write');
      await ssh.getByLabel('Connect through an SSH tunnel').check();
      await ssh.getByLabel('SSH host', { exact: true }).fill('bastion.prod.example.com');
      await ssh.getByLabel('SSH user', { exact: true }).fill('deploy');
      await ssh.getByLabel('SSH authentication').selectOption('key');
      await ssh.getByLabel('SSH key path', { exact: true }).fill('/home/me/.ssh/id_ed25519');
      await ssh.getByLabel('Key passphrase', { exact: true }).fill('not-a-real-passphrase');
      await ssh.getByLabel('Key passphrase', { exact: true }).scrollIntoViewIfNeeded();
      await shoot(page, 'form-ssh-hosts');
      await page.keyboard.press('Escape');

      // A hosted database as its console prints it: Cloud SQL's client certificates, pasted, and
      // a token command for the password; then the certificate and authentication sections.
      await page.getByRole('button', { name: 'New connection' }).click();
      const hosted = page.getByRole('dialog', { name: 'New connection' });
      await hosted
        .getByLabel('Import connection string')
        .fill(
          'sslmode=verify-ca sslrootcert=/home/me/cloudsql/server-ca.pem ' +
            'sslcert=/home/me/cloudsql/client-cert.pem sslkey=/home/me/cloudsql/client-key.pem ' +
            'hostaddr=34.123.45.67 port=5432 user=orders_app dbname=orders ' +
            'channel_binding=require require_auth=scram-sha-256',
        );
      await hosted.getByRole('button', { name: 'Import' }).click();
      await hosted.getByLabel('Password from').selectOption('command');
      await hosted
        .getByLabel('Password command')
        .fill('gcloud sql generate-login-token --impersonate-service-account=orders@example.iam');
      await shoot(page, 'form-hosted-import');
      await hosted.getByLabel('Client key passphrase').fill('not-a-real-passphrase');
      await hosted.getByLabel('Send the certificate').scrollIntoViewIfNeeded();
      await shoot(page, 'form-client-certificate');
      await hosted.getByLabel('Startup options').scrollIntoViewIfNeeded();
      await shoot(page, 'form-authentication');
      await page.keyboard.press('Escape');

      // A real sshd the app has never seen: the details ask for its host key to be trusted.
      sshd = await startSshd({ permitOpen: [target.port] });
      await ipc.send('save_connection', {
        config: {
          id: crypto.randomUUID(),
          name: 'reporting (via ssh)',
          host: target.host,
          port: target.port,
          database: 'postgres',
          username: 'postgres',
          sslMode: 'disable',
          sshTunnel: {
            enabled: true,
            host: sshd.host,
            port: sshd.port,
            username: sshd.user,
            auth: 'password',
          },
        },
        sshPassword: sshd.password,
      });
      await row(page, 'reporting (via ssh)').click();
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByText("The SSH server's host key is not known").waitFor();
      await page.waitForTimeout(300);
      await shoot(page, 'ssh-host-key');

      // The screens of the whole system, at a laptop's 1280 x 800.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.getByRole('tab', { name: 'Timeline' }).click();
      await page.locator('.lanes-lane', { hasText: DEMO }).waitFor();
      // The demo's incidents took seconds: the closest window shows them.
      await page.getByRole('tab', { name: 'Last 10 minutes' }).click();
      await page.waitForTimeout(300);
      await shoot(page, 'timeline');
      await page.getByRole('tab', { name: 'Actor system' }).click();
      await page.locator('[data-testid="actor-diagram"] .actor-node-connection').first().waitFor();
      await page.waitForTimeout(500);
      await shoot(page, 'actor-system');
      await page.getByRole('tab', { name: 'Table' }).click();
      await page.waitForTimeout(300);
      await shoot(page, 'actor-system-table');
      await page.getByRole('tab', { name: 'Connection', exact: true }).click();

      // The console: a script's steps in order, stopped at an error placed in the script.
      await demo.click();
      await page.getByRole('tab', { name: 'Console' }).click();
      const panel = page.getByRole('region', { name: 'Query console' });
      await runScript(panel, SCRIPT);
      await panel.getByRole('status').waitFor();
      await panel.getByRole('status').scrollIntoViewIfNeeded();
      await shoot(page, 'console-script');

      // An UPDATE without WHERE is named before it runs.
      await panel
        .getByLabel('SQL')
        .fill('select count(*) from orders;\nupdate orders set total = 0;');
      await panel.getByRole('button', { name: 'Run', exact: true }).click();
      const ask = page.getByRole('dialog', { name: 'UPDATE or DELETE without WHERE' });
      await ask.waitFor();
      await shoot(page, 'console-confirm-unfiltered');
      await ask.getByRole('button', { name: 'Cancel' }).click();
      // The table the restore script below writes to.
      await runScript(panel, 'create table if not exists orders_archive (id int, total numeric)');
      await panel.getByText('1 of 1 statement ran').waitFor();

      // pg_dumpall's preamble pasted into a production read-only connection: refused.
      const password = (await readFile(join(data.dir, 'demo-pg', 'password'), 'utf8')).trim();
      await ipc.send('save_connection', {
        config: {
          id: crypto.randomUUID(),
          name: 'reporting (production)',
          passwordInKeyring: true,
          host: target.host,
          port: target.port,
          database: 'postgres',
          username: 'postgres',
          sslMode: 'disable',
          environment: 'production',
          options: { readonly: true, statementTimeoutMs: 30_000 },
        },
        password,
      });
      const reporting = row(page, 'reporting (production)');
      await reporting.click();
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await until(
        'reporting connected',
        () => reporting.getAttribute('data-status'),
        (s) => s === 'connected',
      );
      await page.getByRole('tab', { name: 'Console' }).click();
      const guarded = page.getByRole('region', { name: 'Query console' });
      await runScript(guarded, RESTORE);
      await guarded.getByTestId('read-only-refusal').first().waitFor();
      await guarded.getByRole('status').scrollIntoViewIfNeeded();
      await shoot(page, 'console-read-only-refusal');
    } finally {
      await browser.close();
    }
  }
  ipc.close();
} finally {
  await app?.stop();
  await sshd?.dispose();
  await data.dispose();
}
