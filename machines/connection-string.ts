import {
  type ConnectionParameter,
  invalidParameter,
  type ParsedConnectionString,
  parseConnectionParameters,
} from './connection-keywords.ts';

export {
  type ConnectionParameter,
  type ConnectionStringConfig,
  invalidParameter,
  type ParsedConnectionString,
  parseConnectionParameters,
  supportedKeywords,
} from './connection-keywords.ts';

/*
 * libpq connection strings, both forms (https://www.postgresql.org/docs/current/libpq-connect.html
 * #LIBPQ-CONNSTRING), parsed here rather than with pg-connection-string: that package is Node
 * code (it reads certificate files with `fs`, so machines/ may not import it), it keeps only the
 * first of several hosts, and it passes unknown keywords through instead of refusing them. The
 * renderer's import form needs the same parser as the CLI, hence pure code in machines/.
 */

/** Parses a `postgres://` / `postgresql://` URI or a `key=value ...` string. */
export function parseConnectionString(text: string): ParsedConnectionString {
  return parseConnectionParameters(connectionStringPairs(text));
}

type Pair = ConnectionParameter;

/** The pairs of either form, before any keyword is judged: for merging with a service file. */
export function connectionStringPairs(text: string): ConnectionParameter[] {
  const trimmed = text.trim();
  return /^postgres(?:ql)?:\/\//i.test(trimmed) ? uriPairs(trimmed) : keywordPairs(trimmed);
}

// ---- the keyword/value form ------------------------------------------------------------

/** `host=a port = 5432 password='it''s' ...`: libpq's conninfo_parse rules. */
function keywordPairs(text: string): Pair[] {
  const pairs: Pair[] = [];
  let i = 0;
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (space(); i < text.length; space()) {
    const start = i;
    while (i < text.length && text[i] !== '=' && !/\s/.test(text[i]!)) i++;
    const name = text.slice(start, i);
    space();
    if (text[i] !== '=') {
      // The word itself is not echoed: in `password=two words` it is half of a password.
      const previous = pairs.at(-1)?.[0];
      throw invalidParameter(
        previous ?? 'connection string',
        previous
          ? `a word without "=" follows ${previous}=… (quote a value with spaces: ${previous}='a b')`
          : 'the connection string must be key=value pairs or a postgres:// URI',
      );
    }
    i++;
    space();
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw invalidParameter(name, `unterminated quoted value of ${name}`);
        const c = text[i++]!;
        if (c === "'") break;
        value += c === '\\' && i < text.length ? text[i++] : c;
      }
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        const c = text[i++]!;
        value += c === '\\' && i < text.length ? text[i++] : c;
      }
    }
    pairs.push([name, value]);
  }
  return pairs;
}

// ---- the URI form ----------------------------------------------------------------------

function decode(text: string, field: string): string {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) {
    throw invalidParameter(field, `broken %-escape in ${field}`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    throw invalidParameter(field, `the %-escapes of ${field} are not UTF-8`);
  }
  if (decoded.includes('\0')) throw invalidParameter(field, `${field} contains %00`);
  return decoded;
}

/**
 * `postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...]`. Every part
 * is %-decoded (`+` stays a plus, as in libpq); `[...]` holds an IPv6 address; a host that
 * decodes to a path (`%2Fvar%2Frun%2Fpostgresql`) is a Unix-socket directory.
 */
function uriPairs(text: string): Pair[] {
  const rest = text.slice(text.indexOf('://') + 3);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const slash = beforeQuery.indexOf('/');
  let authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? undefined : beforeQuery.slice(slash + 1);
  const pairs: Pair[] = [];

  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user !== '') pairs.push(['user', decode(user, 'user')]);
    if (colon >= 0) pairs.push(['password', decode(userinfo.slice(colon + 1), 'password')]);
  }

  if (authority !== '') {
    const hosts: string[] = [];
    const ports: string[] = [];
    for (const spec of splitHosts(authority)) {
      const [host, port] = splitHostPort(spec);
      hosts.push(host);
      ports.push(port);
    }
    if (hosts.some((h) => h !== '')) pairs.push(['host', hosts.join(',')]);
    if (ports.some((p) => p !== '')) pairs.push(['port', ports.join(',')]);
  }

  if (path !== undefined && path !== '') pairs.push(['dbname', decode(path, 'dbname')]);

  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw invalidParameter(
        part,
        `missing key/value separator "=" in URI query parameter: "${part}"`,
      );
    }
    // libpq trims spaces around the key and the value, and refuses any inside them.
    const rawName = part.slice(0, eq);
    const rawValue = part.slice(eq + 1);
    const name = decode(spaceless(rawName, rawName.trim()), 'parameter name');
    if (rawValue.includes('=')) {
      throw invalidParameter(
        name,
        `extra key/value separator "=" in URI query parameter: "${name}"`,
      );
    }
    // The value is not echoed: it may be a password.
    pairs.push([name, decode(spaceless(name, rawValue.trim()), name)]);
  }
  return pairs;
}

function spaceless(field: string, text: string): string {
  if (/\s/.test(text)) {
    throw invalidParameter(
      field,
      `unexpected spaces found in ${field}, use percent-encoded spaces (%20) instead`,
    );
  }
  return text;
}

/** Splits `a:1,[::1]:2,b` on the commas that are not inside brackets. */
function splitHosts(authority: string): string[] {
  const specs: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < authority.length; i++) {
    const c = authority[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      specs.push(authority.slice(start, i));
      start = i + 1;
    }
  }
  specs.push(authority.slice(start));
  return specs;
}

/** One `host[:port]`, decoded; the port stays text (checked with the keyword form's). */
function splitHostPort(spec: string): [string, string] {
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0) throw invalidParameter('host', 'missing "]" after an IPv6 host');
    if (close === 1) throw invalidParameter('host', 'IPv6 host address may not be empty in URI');
    const after = spec.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw invalidParameter('host', 'only ":port" may follow an IPv6 host');
    }
    return [decode(spec.slice(1, close), 'host'), after.slice(1)];
  }
  const colon = spec.lastIndexOf(':');
  if (colon < 0) return [decode(spec, 'host'), ''];
  return [decode(spec.slice(0, colon), 'host'), spec.slice(colon + 1)];
}
