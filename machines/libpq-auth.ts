/*
 * libpq's rules for which authentication a client lets a server ask for (`require_auth`, libpq
 * 16) and for channel binding (`channel_binding`), with libpq's own messages, so that a string
 * psql refuses is refused here in the same words. Pure: the config validates with it, and
 * main/pg enforces it on each connection's authentication requests.
 */

export const channelBindings = ['disable', 'prefer', 'require'] as const;
export type ChannelBinding = (typeof channelBindings)[number];

export const authMethods = ['password', 'md5', 'gss', 'sspi', 'scram-sha-256', 'none'] as const;
export type AuthMethod = (typeof authMethods)[number];

/** A require_auth list: the methods named, and whether they are the ones refused (`!md5`). */
export interface AuthRequirement {
  negated: boolean;
  methods: AuthMethod[];
}

/** Parses `require_auth`; a string is libpq's refusal, word for word. */
export function parseRequireAuth(value: string): AuthRequirement | string {
  const methods: AuthMethod[] = [];
  const seen = new Set<string>();
  let negated: boolean | undefined;
  for (const word of value.split(',')) {
    const not = word.startsWith('!');
    const method = not ? word.slice(1) : word;
    if (negated === undefined) negated = not;
    else if (not && !negated) {
      return `negative require_auth method "${word}" cannot be mixed with non-negative methods`;
    } else if (!not && negated) {
      return `require_auth method "${word}" cannot be mixed with negative methods`;
    }
    if (!(authMethods as readonly string[]).includes(method)) {
      return `invalid require_auth value: "${method}"`;
    }
    if (seen.has(word)) return `require_auth method "${word}" is specified more than once`;
    seen.add(word);
    methods.push(method as AuthMethod);
  }
  return { negated: negated ?? false, methods };
}

/** What a server asked for, as the AuthenticationRequest messages say it. */
export type AuthRequest =
  | { kind: 'password' }
  | { kind: 'md5' }
  | { kind: 'sasl'; mechanisms: string[] }
  | { kind: 'ok'; completedWith: 'scram-sha-256' | 'scram-sha-256-plus' | null; tls: boolean };

export interface AuthPolicy {
  requireAuth?: string;
  channelBinding: ChannelBinding;
}

const describe: Record<Exclude<AuthRequest['kind'], 'ok'>, string> = {
  password: 'server requested a cleartext password',
  md5: 'server requested a hashed password',
  sasl: 'server requested SASL authentication',
};

const methodOf = (request: AuthRequest): AuthMethod | null =>
  request.kind === 'password'
    ? 'password'
    : request.kind === 'md5'
      ? 'md5'
      : request.kind === 'sasl'
        ? 'scram-sha-256'
        : null;

/**
 * libpq's check of each authentication request (fe-auth.c, check_expected_areq and the SASL
 * start), made before anything secret is sent: null to go on, else why the connection must end.
 */
export function refuseAuthRequest(
  policy: AuthPolicy,
  request: AuthRequest,
  tls: boolean,
): string | null {
  const requirement = policy.requireAuth ? parseRequireAuth(policy.requireAuth) : null;
  if (typeof requirement === 'string') return requirement;
  const method = methodOf(request);
  if (requirement) {
    const { negated, methods } = requirement;
    if (method) {
      const listed = methods.includes(method);
      if (negated === listed) {
        return `authentication method requirement "${policy.requireAuth}" failed: ${describe[request.kind as 'password']}`;
      }
    } else if (request.kind === 'ok' && request.completedWith === null) {
      // Authenticated without any request: allowed only when "none" is.
      if (negated ? methods.includes('none') : !methods.includes('none')) {
        return `authentication method requirement "${policy.requireAuth}" failed: server did not complete authentication`;
      }
    }
  }
  if (policy.channelBinding !== 'require') return null;
  switch (request.kind) {
    case 'password':
    case 'md5':
      return "channel binding required but not supported by server's authentication request";
    case 'sasl':
      if (!tls) return 'channel binding required, but SSL not in use';
      if (!request.mechanisms.includes('SCRAM-SHA-256-PLUS')) {
        return 'channel binding is required, but server did not offer an authentication method that supports channel binding';
      }
      return null;
    case 'ok':
      return request.completedWith === 'scram-sha-256-plus'
        ? null
        : 'channel binding required, but server authenticated client without channel binding';
  }
}
