import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type to serve a renderer file with. */
export const contentType = (file: string) => types[extname(file)] ?? 'application/octet-stream';

export const NOT_BUILT =
  'The UI is not built: run `npx vite build` (it goes to dist/renderer), then reload.\n';

/**
 * Serves the built renderer from `dir`: `/` is its index.html; nothing outside `dir` is
 * reachable. Without a build, the page says so in one line.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string | undefined,
  headers: Record<string, string>,
): Promise<void> {
  const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method not allowed\n');
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return send(400, 'Bad request\n');
  }
  if (path === '/') path = '/index.html';
  const root = dir === undefined ? undefined : resolve(dir);
  const file = root === undefined ? undefined : resolve(root, `.${path}`);
  if (
    root === undefined ||
    file === undefined ||
    !file.startsWith(root + sep) ||
    path.includes('\0')
  ) {
    return path === '/index.html' ? send(200, NOT_BUILT) : send(404, 'Not found\n');
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile())
    return path === '/index.html' ? send(200, NOT_BUILT) : send(404, 'Not found\n');
  res.writeHead(200, {
    ...headers,
    'content-type': contentType(file),
    'content-length': String(info.size),
    'cache-control': path === '/index.html' ? 'no-store' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
