/**
 * Names the PostgreSQL protocol messages in a byte stream, for round-trip traces
 * (latency-link.ts): "StartupMessage", "AuthenticationSASL", "Query(SHOW ...)". It follows the
 * framing only (a type byte and a length, or a length alone before startup) and never keeps the
 * bytes: a SASL message's payload, like any other, is skipped. After SSLRequest and the
 * server's 'S' the stream is TLS, and only TLS record types can be named; so it is from the
 * first byte with direct TLS negotiation (a handshake record where a startup length would be).
 */

type Mode = 'startup' | 'sslReply' | 'typed' | 'tls';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

const FROM_SERVER: Record<string, string> = {
  S: 'ParameterStatus',
  K: 'BackendKeyData',
  Z: 'ReadyForQuery',
  T: 'RowDescription',
  D: 'DataRow',
  C: 'CommandComplete',
  E: 'ErrorResponse',
  N: 'NoticeResponse',
  A: 'NotificationResponse',
  '1': 'ParseComplete',
  '2': 'BindComplete',
  '3': 'CloseComplete',
  n: 'NoData',
  t: 'ParameterDescription',
  I: 'EmptyQueryResponse',
  s: 'PortalSuspended',
  v: 'NegotiateProtocolVersion',
  G: 'CopyInResponse',
  H: 'CopyOutResponse',
  d: 'CopyData',
  c: 'CopyDone',
};
const FROM_CLIENT: Record<string, string> = {
  Q: 'Query',
  P: 'Parse',
  B: 'Bind',
  E: 'Execute',
  D: 'Describe',
  S: 'Sync',
  H: 'Flush',
  C: 'Close',
  X: 'Terminate',
  d: 'CopyData',
  c: 'CopyDone',
  f: 'CopyFail',
};
const AUTH: Record<number, string> = {
  0: 'AuthenticationOk',
  3: 'AuthenticationCleartextPassword',
  5: 'AuthenticationMD5Password',
  10: 'AuthenticationSASL',
  11: 'AuthenticationSASLContinue',
  12: 'AuthenticationSASLFinal',
};
const TLS_HANDSHAKE = 22;
const TLS_RECORDS: Record<number, string> = {
  20: 'TLS ChangeCipherSpec',
  21: 'TLS alert',
  22: 'TLS handshake',
  23: 'TLS data',
};

/** SQL in a trace: the first words, enough to tell the queries of a connect apart. */
const snippet = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 48 ? `${flat.slice(0, 45)}...` : flat;
};

/** One connection's two directions; feed each chunk as it passes, read the names back. */
export class PgWire {
  #up: Mode = 'startup';
  #down: Mode = 'typed';
  #lastAuth = -1;
  readonly #pending = { up: Buffer.alloc(0), down: Buffer.alloc(0) };

  /** Names of the whole messages completed by this chunk (client → server). */
  fromClient(chunk: Buffer): string[] {
    return this.#read('up', chunk);
  }

  /** Names of the whole messages completed by this chunk (server → client). */
  fromServer(chunk: Buffer): string[] {
    return this.#read('down', chunk);
  }

  #read(side: 'up' | 'down', chunk: Buffer): string[] {
    let buf = this.#pending[side].length ? Buffer.concat([this.#pending[side], chunk]) : chunk;
    const names: string[] = [];
    for (;;) {
      const mode = side === 'up' ? this.#up : this.#down;
      const taken = side === 'up' ? this.#client(buf, mode, names) : this.#server(buf, mode, names);
      if (taken === 0) break;
      buf = buf.subarray(taken);
    }
    this.#pending[side] = Buffer.from(buf);
    return names;
  }

  #client(buf: Buffer, mode: Mode, names: string[]): number {
    if (mode === 'tls') return tlsRecord(buf, names);
    if (mode === 'startup') {
      // Direct TLS (sslnegotiation=direct) sends a handshake record first: as the first byte of
      // a startup packet's length, 22 would mean a packet of over 350 MB.
      if (buf[0] === TLS_HANDSHAKE) {
        this.#up = 'tls';
        this.#down = 'tls';
        return tlsRecord(buf, names);
      }
      if (buf.length < 8) return 0;
      const length = buf.readInt32BE(0);
      if (buf.length < length) return 0;
      const code = buf.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        names.push(code === SSL_REQUEST ? 'SSLRequest' : 'GSSENCRequest');
        this.#down = 'sslReply';
      } else if (code === CANCEL_REQUEST) {
        names.push('CancelRequest');
      } else {
        names.push('StartupMessage');
        this.#up = 'typed';
      }
      return length;
    }
    if (buf.length < 5) return 0;
    const length = buf.readInt32BE(1) + 1;
    if (buf.length < length) return 0;
    const type = String.fromCharCode(buf[0]!);
    if (type === 'p') {
      names.push(
        this.#lastAuth === 10
          ? 'SASLInitialResponse'
          : this.#lastAuth === 11
            ? 'SASLResponse'
            : 'PasswordMessage',
      );
    } else if (type === 'Q' || type === 'P') {
      // Query: the text follows the type and length; Parse: a statement name comes first.
      const body = buf.subarray(5, length - 1);
      const text = type === 'Q' ? body : body.subarray(body.indexOf(0) + 1);
      const end = text.indexOf(0);
      names.push(
        `${FROM_CLIENT[type]}(${snippet(text.subarray(0, end < 0 ? undefined : end).toString())})`,
      );
    } else {
      names.push(FROM_CLIENT[type] ?? `'${type}'`);
    }
    return length;
  }

  #server(buf: Buffer, mode: Mode, names: string[]): number {
    if (mode === 'tls') return tlsRecord(buf, names);
    if (mode === 'sslReply') {
      if (buf.length < 1) return 0;
      const answer = String.fromCharCode(buf[0]!);
      names.push(`SSLResponse '${answer}'`);
      if (answer === 'S' || answer === 'G') {
        this.#up = 'tls';
        this.#down = 'tls';
      } else {
        this.#down = 'typed';
      }
      return 1;
    }
    if (buf.length < 5) return 0;
    const length = buf.readInt32BE(1) + 1;
    if (buf.length < length) return 0;
    const type = String.fromCharCode(buf[0]!);
    if (type === 'R' && length >= 9) {
      this.#lastAuth = buf.readInt32BE(5);
      names.push(AUTH[this.#lastAuth] ?? `Authentication(${this.#lastAuth})`);
    } else {
      names.push(FROM_SERVER[type] ?? `'${type}'`);
    }
    return length;
  }
}

function tlsRecord(buf: Buffer, names: string[]): number {
  if (buf.length < 5) return 0;
  const length = buf.readUInt16BE(3) + 5;
  if (buf.length < length) return 0;
  names.push(TLS_RECORDS[buf[0]!] ?? `TLS(${buf[0]})`);
  return length;
}

/** "ParameterStatus, ParameterStatus, ..." → "ParameterStatus×14". */
export function collapse(names: readonly string[]): string[] {
  const out: { name: string; n: number }[] = [];
  for (const name of names) {
    const last = out.at(-1);
    if (last?.name === name) last.n++;
    else out.push({ name, n: 1 });
  }
  return out.map(({ name, n }) => (n > 1 ? `${name}×${n}` : name));
}
