import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sharedServer } from '../harness/shared.ts';
import { type SshServer, startSshd } from '../harness/sshd.ts';
import { row, until } from './page.ts';
import { e2eSuite } from './suite.ts';

/*
 * A real OpenSSH server (its own process, a host key made for this run) in front of the shared
 * PostgreSQL. The app knows no host key for it (Tusk's own known-hosts file is in the fresh data
 * directory; the user's has no entry for a port picked at random), so the first connect stops.
 */
const pg = sharedServer();
let sshd: SshServer;
beforeAll(async () => {
  sshd = await startSshd({ permitOpen: [pg.port] });
});
afterAll(() => sshd?.dispose());
const suite = e2eSuite();

/** The server's fingerprint as `ssh-keygen -l` prints it, from its known_hosts line. */
const serverFingerprint = async () => {
  const key = (await sshd.knownHostsLine()).split(' ')[2]!;
  const digest = createHash('sha256').update(Buffer.from(key, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
};

test('an unknown SSH host key: the details show its fingerprint, "Trust this host key" connects', async () => {
  const page = await suite.browser.context.newPage();
  await page.goto(suite.app.url);

  await page.getByRole('button', { name: 'New connection' }).click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('through sshd (e2e)');
  await form.getByLabel('Host', { exact: true }).fill(pg.host);
  await form.getByLabel('Port', { exact: true }).fill(String(pg.port));
  await form.getByLabel('Database', { exact: true }).fill(pg.database);
  await form.getByLabel('User', { exact: true }).fill(pg.user);
  await form.getByLabel('Password', { exact: true }).fill(pg.password);
  await form.getByLabel('Connect through an SSH tunnel').check();
  await form.getByLabel('SSH host', { exact: true }).fill(sshd.host);
  await form.getByLabel('SSH port', { exact: true }).fill(String(sshd.port));
  await form.getByLabel('SSH user', { exact: true }).fill(sshd.user);
  await form.getByLabel('SSH authentication').selectOption('password');
  await form.getByLabel('SSH password', { exact: true }).fill(sshd.password);
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });

  const through = row(page, 'through sshd (e2e)');
  await through.click();
  const logins = sshd.logins();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await until(
    'the row',
    () => through.getAttribute('data-status'),
    (s) => s === 'error',
  );
  await page.getByText("The SSH server's host key is not known").waitFor();
  const fingerprint = await serverFingerprint();
  expect(await page.getByTestId('host-key-fingerprint').textContent()).toBe(fingerprint);
  // Stopped before any login: the saved SSH password was not offered to an unknown server.
  expect(sshd.logins()).toBe(logins);

  await page.getByRole('button', { name: 'Trust this host key' }).click();
  await until(
    'the row',
    () => through.getAttribute('data-status'),
    (s) => s === 'connected',
  );
  expect(sshd.logins()).toBe(logins + 1);
  await until(
    'the details',
    () => page.getByText('SSH tunnel', { exact: true }).locator('xpath=..').textContent(),
    (t) => !!t?.includes(`open, ${fingerprint}`),
  );
  expect(await page.getByText("The SSH server's host key is not known").count()).toBe(0);
});
