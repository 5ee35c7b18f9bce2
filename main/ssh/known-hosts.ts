import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * OpenSSH's known_hosts format (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"), read the way ssh(1)
 * reads it: `[@marker] patterns keytype base64-key [comment]`; patterns are comma-separated
 * names with `*`/`?` wildcards and `!` negation, or one hashed name `|1|salt|hmac-sha1`; a host
 * on a port other than 22 is written `[host]:port`.
 */

/** A host key as the server presented it: the SSH wire-format blob. */
export interface HostKey {
  type: string;
  blob: Buffer;
}

export type HostKeyVerdict = 'known' | 'changed' | 'unknown';

/** The name a host is filed under: `host`, or `[host]:port` off port 22. */
export const knownHostsName = (host: string, port: number) =>
  port === 22 ? host : `[${host}]:${port}`;

/** `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -l` prints it. */
export const fingerprintOf = (blob: Buffer) =>
  `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

/** The key type is the blob's first string (uint32 length, then the name). */
export function hostKeyOf(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return { type: blob.subarray(4, 4 + length).toString('latin1'), blob };
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

interface Entry {
  marker: string | null;
  patterns: string;
  type: string;
  key: string;
}

function parse(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift()! : null;
    const [patterns, type, key] = fields;
    if (patterns && type && key) entries.push({ marker, patterns, type, key });
  }
  return entries;
}

async function readIfThere(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * The verdict of every file together, as ssh(1) gives it: this key marked `@revoked` is
 * `changed` (refused); else the same key for the name anywhere is `known`; else a different key
 * of the same type is `changed`; else `unknown`. Certificate authorities are not supported and
 * are skipped.
 */
export async function checkHostKey(
  files: readonly string[],
  name: string,
  key: HostKey,
): Promise<HostKeyVerdict> {
  const encoded = key.blob.toString('base64');
  let revoked = false;
  let known = false;
  let changed = false;
  for (const file of files) {
    for (const entry of parse(await readIfThere(file))) {
      if (entry.marker === '@revoked') revoked ||= entry.key === encoded;
      if (entry.marker !== null || entry.type !== key.type) continue;
      if (!hostMatches(entry.patterns, name)) continue;
      if (entry.key === encoded) known = true;
      else changed = true;
    }
  }
  if (revoked) return 'changed';
  if (known) return 'known';
  return changed ? 'changed' : 'unknown';
}

/** Appends the key under `name`, creating the file (0600) and its folder as needed. */
export async function addHostKey(file: string, name: string, key: HostKey): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readIfThere(file);
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const line = `${separator}${name} ${key.type} ${key.blob.toString('base64')}\n`;
  await appendFile(file, line, { mode: 0o600 });
}
