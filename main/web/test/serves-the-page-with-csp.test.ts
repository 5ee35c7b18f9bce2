import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { startHost } from './helpers.ts';

function get(port: number, path: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.once('error', reject);
      req.end();
    },
  );
}

it('serves the built renderer with a strict CSP and nosniff; nothing outside its folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tusk-static-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const dist = join(root, 'renderer');
  await (await import('node:fs/promises')).mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(
    join(dist, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app.js"></script>',
  );
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside');
  const { host } = await startHost({ staticDir: dist });

  const page = await get(host.port, '/?token=abc');
  expect(page.status).toBe(200);
  expect(page.body).toContain('/assets/app.js');
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  const csp = String(page.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp).toMatch(/style-src 'self'(;|$)/);
  expect(csp).toContain(
    `connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`,
  );
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'none'");
  expect(page.headers['x-content-type-options']).toBe('nosniff');

  const script = await get(host.port, '/assets/app.js');
  expect(script.status).toBe(200);
  expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  expect(script.headers['x-content-type-options']).toBe('nosniff');

  for (const path of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/../../secret.txt',
    '/missing.js',
  ]) {
    const res = await get(host.port, path);
    expect(res.status, path).toBe(404);
    expect(res.body).not.toContain('outside');
  }
  expect((await get(host.port, '/', `evil.example:${host.port}`)).status).toBe(403);
});

it('without a built renderer the page says so in one line', async () => {
  const { host } = await startHost({ staticDir: join(tmpdir(), 'tusk-no-such-build') });
  const page = await get(host.port, '/');
  expect(page.status).toBe(200);
  expect(page.body.trim().split('\n')).toHaveLength(1);
  expect(page.body).toMatch(/not built/);
  expect(page.headers['content-security-policy']).toBeDefined();
});
