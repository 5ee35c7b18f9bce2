import { z } from 'zod';
import {
  type ConnectionConfig,
  ConnectionConfigSchema,
  type ConnectionGroup,
  ConnectionGroupSchema,
} from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';

/** The format this build writes. A file with a higher version belongs to a newer Tusk. */
export const STORE_VERSION = 1;
export const STORE_FILE_NAME = 'connections.json';

export interface StoreData {
  connections: ConnectionConfig[];
  groups: ConnectionGroup[];
}

const uniqueIds = (what: string) => (items: { id: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate ${what} id` });
    }
    seen.add(item.id);
  });
};

const StoreFileSchema = z.object({
  version: z.literal(STORE_VERSION),
  connections: z.array(ConnectionConfigSchema).superRefine(uniqueIds('connection')).default([]),
  groups: z.array(ConnectionGroupSchema).superRefine(uniqueIds('group')).default([]),
});

export const emptyStore = (): StoreData => ({ connections: [], groups: [] });

export function storageError(path: string, problem: string, cause?: unknown): TuskError {
  return new TuskError(
    { kind: 'Storage', message: `The saved-connections file ${path} ${problem}`, path },
    { cause },
  );
}

const leftAlone = 'Tusk has left it as it is and will not write to it';

/**
 * Parses the file's text, re-validating every connection and group with the same schema the
 * UI uses. Anything unexpected is a Storage error: the file may be someone's only copy.
 */
export function parseStoreFile(text: string, path: string): StoreData {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : (error as Error).message;
    throw storageError(path, `is not valid JSON (${reason}). ${leftAlone}; repair or remove it.`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw storageError(path, `does not hold a JSON object. ${leftAlone}.`);
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw storageError(path, `has no valid "version" (a whole number from 1). ${leftAlone}.`);
  }
  if (version > STORE_VERSION) {
    throw storageError(
      path,
      `was written by a newer version of Tusk (format ${version}; this one reads up to ${STORE_VERSION}). ${leftAlone}; update Tusk to use it.`,
    );
  }
  const result = StoreFileSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => {
      return `${issue.path.map(String).join('.') || 'file'}: ${issue.message}`;
    });
    const more =
      result.error.issues.length > 3 ? ` and ${result.error.issues.length - 3} more` : '';
    throw storageError(
      path,
      `holds invalid data (${issues.join('; ')}${more}). ${leftAlone}; repair or remove it.`,
    );
  }
  return { connections: result.data.connections, groups: result.data.groups };
}

export function serialiseStore(data: StoreData): string {
  const file = { version: STORE_VERSION, connections: data.connections, groups: data.groups };
  return `${JSON.stringify(file, null, 2)}\n`;
}
