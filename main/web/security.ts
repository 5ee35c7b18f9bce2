import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Browser mode's gatekeeping (DESIGN.md, "Hosts and IPC"; the same checks as Jupyter Server's):
 * a random token, the Host header (DNS rebinding) on every request, and the Origin of a
 * WebSocket. Pure functions of the request, so each is tested on its own and the host stays
 * a thin adapter.
 */

/** 256 bits, URL-safe. */
export const newToken = () => randomBytes(32).toString('base64url');

export const pageOrigins = (port: number) => [
  `http://127.0.0.1:${port}`,
  `http://localhost:${port}`,
];

/** A page served by a rebound DNS name carries that name here; only our own two are ours. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** No Origin: not a browser (a browser always sends one on a WebSocket), so the token decides. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  return origin === undefined || pageOrigins(port).includes(origin.toLowerCase());
}

/** Compared in constant time, so the answer's timing says nothing of how much was right. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * No inline script, no inline style and nothing from elsewhere. The renderer sets styles only
 * through the CSSOM (React's style prop, React Flow, the virtualiser), which style-src does not
 * govern, so `'unsafe-inline'` would only let injected markup restyle the page (e.g. to hide a
 * production warning); test/e2e/renderer-needs-no-inline-styles proves the page needs none.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}
