import type { ConnectionOptions } from './config.ts';
import { TuskError } from './errors.ts';

const invalid = (message: string) =>
  new TuskError({
    kind: 'InvalidInput',
    field: 'options',
    message: `Invalid connection string: ${message}`,
  });

const durationUnits: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** libpq splits `options` on unescaped whitespace; `\ ` is a space inside a word. */
function words(value: string): string[] {
  const out: string[] = [];
  let word = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      word += c + value[++i];
    } else if (/\s/.test(c)) {
      if (word) out.push(word);
      word = '';
    } else word += c;
  }
  if (word) out.push(word);
  return out;
}

/**
 * The startup `options`. The two settings the config models (the read-only default and the
 * statement timeout) become config fields, so the guarantees that enforce and verify them stay
 * in charge; everything else (`endpoint=...`, `--cluster=...`, other `-c`) is kept verbatim in
 * `startupOptions`, for the server or proxy that reads it.
 */
export function startupOptionsOf(value: string): Partial<ConnectionOptions> {
  const out: Partial<ConnectionOptions> = {};
  const rest: string[] = [];
  const list = words(value);
  for (let i = 0; i < list.length; i++) {
    const word = list[i]!;
    let setting: string | undefined;
    let original = [word];
    if (word === '-c') {
      setting = list[++i] ?? '';
      original = [word, setting];
    } else if (word.startsWith('-c')) setting = word.slice(2);
    else if (word.startsWith('--')) setting = word.slice(2);
    const eq = setting?.indexOf('=') ?? -1;
    const name = setting !== undefined && eq > 0 ? setting.slice(0, eq).replaceAll('-', '_') : '';
    const raw = setting !== undefined ? setting.slice(eq + 1) : '';
    if (name === 'default_transaction_read_only') {
      const on = ['on', 'true', 'yes', '1'].includes(raw.toLowerCase());
      const off = ['off', 'false', 'no', '0'].includes(raw.toLowerCase());
      if (!on && !off) throw invalid(`options: default_transaction_read_only=${raw}`);
      out.readonly = on;
    } else if (name === 'statement_timeout') {
      const match = /^(\d+)\s*(ms|s|min|h)?$/.exec(raw);
      if (!match) throw invalid(`options: statement_timeout=${raw}`);
      out.statementTimeoutMs = Number(match[1]) * durationUnits[match[2] ?? 'ms']!;
    } else {
      if (word === '-c' && !setting) throw invalid('options: "-c" has no setting after it');
      rest.push(...original);
    }
  }
  if (rest.length) out.startupOptions = rest.join(' ');
  return out;
}
