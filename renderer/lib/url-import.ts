import type { SslMode } from '../../machines/config.ts';
import { sslModes } from '../../machines/config.ts';

/**
 * TO BE REPLACED by `parseConnectionString` from machines/connection-string.ts (branch
 * `pgconv`) once it lands: that one knows key=value strings, multi-host lists and every libpq
 * parameter. This reads the simple single-host URL form only, with the browser's URL class.
 */
export interface ImportedUrl {
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  password?: string;
  sslMode?: SslMode;
  applicationName?: string;
  connectTimeoutSec?: number;
}

export class UrlImportError extends Error {}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new UrlImportError(`“${s}” is not valid percent-encoding`);
  }
};

export function importUrl(text: string): ImportedUrl {
  const trimmed = text.trim();
  if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
    throw new UrlImportError('Paste a URL that starts with postgres:// or postgresql://');
  }
  // The URL class parses a special scheme's authority for sure; postgres:// is not special.
  let url: URL;
  try {
    url = new URL(trimmed.replace(/^postgres(ql)?:/i, 'http:'));
  } catch {
    throw new UrlImportError('That is not a URL this form can read');
  }
  const authority = trimmed.slice(trimmed.indexOf('//') + 2).split(/[/?#]/)[0]!;
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.includes(',')) {
    throw new UrlImportError('Several hosts: not supported by this import yet');
  }
  const out: ImportedUrl = {};
  if (url.hostname) out.host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  // http: drops an explicit :80, so the port is read from the text itself.
  const port = /:(\d+)$/.exec(hostPort.replace(/^\[[^\]]*\]/, ''));
  if (port) out.port = Number(port[1]);
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database) out.database = database;
  if (url.username) out.username = decode(url.username);
  if (url.password) out.password = decode(url.password);
  for (const [key, value] of url.searchParams) {
    if (key === 'sslmode') {
      if (!(sslModes as readonly string[]).includes(value)) {
        throw new UrlImportError(`sslmode=${value} is not one of ${sslModes.join(', ')}`);
      }
      out.sslMode = value as SslMode;
    } else if (key === 'application_name') out.applicationName = value;
    else if (key === 'connect_timeout') out.connectTimeoutSec = Number(value);
    else if (key === 'user') out.username = value;
    else if (key === 'password') out.password = value;
    else if (key === 'dbname') out.database = value;
    else if (key === 'host') out.host = value;
    else if (key === 'port') out.port = Number(value);
    else throw new UrlImportError(`The parameter ${key} is not supported by this import yet`);
  }
  return out;
}
