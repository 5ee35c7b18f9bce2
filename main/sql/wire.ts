/**
 * A read-only statement's whole run of extended-protocol messages as one Buffer, for one write.
 * pg writes each message on its own into a corked socket (five to eleven small writes, then a
 * writev); on a loopback `select 1` that bookkeeping cost more than the server's work for the
 * extra messages. The bytes are the ones pg's serializer writes for a query without parameters,
 * with text results (pg-protocol's parse, bind, describe, execute and sync); the wrapping
 * statements' are built once.
 */

/** Bind: unnamed portal and statement, no parameters, every result column as text. */
const BIND = Buffer.from([0x42, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
/** Describe the unnamed portal: its RowDescription is how pg reads the rows. */
const DESCRIBE = Buffer.from([0x44, 0, 0, 0, 6, 0x50, 0]);
/** Execute the unnamed portal, all rows. */
const EXECUTE = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** Parse of `text` as the unnamed statement, no parameter types. */
function parseMessage(text: string): Buffer {
  const n = Buffer.byteLength(text);
  const message = Buffer.allocUnsafe(1 + 4 + 1 + n + 1 + 2);
  message[0] = 0x50;
  message.writeInt32BE(message.length - 1, 1);
  message[5] = 0;
  message.write(text, 6, 'utf8');
  message[6 + n] = 0;
  message.writeInt16BE(0, 7 + n);
  return message;
}

/** Parse/Bind/Execute of our own fixed statements (BEGIN READ ONLY, COMMIT, ...), built once. */
const ours = new Map<string, Buffer>();
const OURS_MAX = 64;

function ourStatement(text: string): Buffer {
  let bytes = ours.get(text);
  if (!bytes) {
    bytes = Buffer.concat([parseMessage(text), BIND, EXECUTE]);
    // Only a few texts exist (the timeout's differs per connection): a bound all the same.
    if (ours.size >= OURS_MAX) ours.clear();
    ours.set(text, bytes);
  }
  return bytes;
}

/**
 * `before` (each Parse/Bind/Execute), the statement (Parse/Bind/Describe/Execute), `after`, one
 * Sync: byte for byte what pg writes for the same calls, in one Buffer.
 */
export function statementRun(before: string[], text: string, after: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const t of before) parts.push(ourStatement(t));
  parts.push(parseMessage(text), BIND, DESCRIBE, EXECUTE);
  for (const t of after) parts.push(ourStatement(t));
  parts.push(SYNC);
  return Buffer.concat(parts);
}
