import type pg from 'pg';
import { TuskError } from '../../machines/errors.ts';
import { type AuthPolicy, type AuthRequest, refuseAuthRequest } from '../../machines/libpq-auth.ts';

/** pg's options plus what the guard enforces on each connection's authentication. */
export interface TuskClientConfig extends pg.ClientConfig {
  auth?: AuthPolicy;
}

/** How the server authenticated this connection: for the connection test's stages. */
export type AuthUsed = 'none' | 'password' | 'md5' | 'scram-sha-256' | 'scram-sha-256-plus';

type Handler = (message: unknown) => void;

/** The pg.Client handlers for the server's authentication requests (pg binds them at connect). */
interface AuthHandlers {
  _handleAuthCleartextPassword: Handler;
  _handleAuthMD5Password: Handler;
  _handleAuthSASL: Handler;
  _handleAuthSASLContinue: Handler;
  saslSession?: { mechanism?: string } | null;
  connection: {
    stream: { encrypted?: boolean; destroy(): void };
    emit(e: string, x: unknown): void;
  };
}

const used = new WeakMap<pg.Client, AuthUsed>();

/** The method the server asked for and the client answered, once authenticated. */
export const authUsed = (client: pg.Client): AuthUsed | undefined => used.get(client);

/**
 * libpq's require_auth and channel_binding=require, which pg lacks: each authentication
 * request is judged before pg answers it, so a refused one ends the connection before the
 * password, its hash or a SCRAM proof is computed or sent (a server downgrading SCRAM to a
 * cleartext password learns nothing). pg's own handlers run only for requests allowed.
 */
export function guardAuthentication(client: pg.Client, policy: AuthPolicy | undefined): void {
  const c = client as unknown as AuthHandlers;
  let method: AuthUsed = 'none';
  const tls = () => c.connection.stream.encrypted === true;
  const allowed = (request: AuthRequest): boolean => {
    const why = policy ? refuseAuthRequest(policy, request, tls()) : null;
    if (!why) return true;
    c.connection.emit(
      'error',
      new TuskError({ kind: 'AuthFailed', code: 'AUTH_METHOD_REFUSED', message: why }),
    );
    c.connection.stream.destroy();
    return false;
  };
  type Judged = '_handleAuthCleartextPassword' | '_handleAuthMD5Password' | '_handleAuthSASL';
  const wrap = (name: Judged, judge: Handler) => {
    const original = c[name].bind(client);
    c[name] = (message) => {
      judge(message);
      if (allowed(requestOf(name, message))) original(message);
    };
  };
  // pg picks the SASL mechanism once it has the password (asynchronously); by the server's
  // first SCRAM challenge the choice is made.
  const sasl = c._handleAuthSASLContinue.bind(client);
  c._handleAuthSASLContinue = (message) => {
    if (c.saslSession?.mechanism === 'SCRAM-SHA-256-PLUS') method = 'scram-sha-256-plus';
    sasl(message);
  };
  wrap('_handleAuthCleartextPassword', () => {
    method = 'password';
  });
  wrap('_handleAuthMD5Password', () => {
    method = 'md5';
  });
  wrap('_handleAuthSASL', () => {
    method = 'scram-sha-256';
  });
  client.connection.on('authenticationOk', () => {
    const completedWith =
      method === 'scram-sha-256' || method === 'scram-sha-256-plus' ? method : null;
    // Password and md5 were judged when asked for; only "no request at all" and SCRAM remain.
    if (
      method === 'password' ||
      method === 'md5' ||
      allowed({ kind: 'ok', completedWith, tls: tls() })
    ) {
      used.set(client, method);
    }
  });
}

function requestOf(name: string, message: unknown): AuthRequest {
  if (name === '_handleAuthCleartextPassword') return { kind: 'password' };
  if (name === '_handleAuthMD5Password') return { kind: 'md5' };
  return { kind: 'sasl', mechanisms: (message as { mechanisms?: string[] }).mechanisms ?? [] };
}
