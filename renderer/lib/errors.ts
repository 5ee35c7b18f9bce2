import type { TuskErrorData } from '../../machines/errors.ts';

/** What crosses IPC as a failure: a TuskError's plain form (the transports reject with it). */
export function asErrorData(error: unknown): TuskErrorData {
  const json = (error as { toJSON?: () => unknown } | null)?.toJSON;
  if (typeof json === 'function') return json.call(error) as TuskErrorData;
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as Partial<TuskErrorData> & { message: unknown };
    return {
      ...(e as TuskErrorData),
      kind: (e.kind ?? 'InvalidInput') as TuskErrorData['kind'],
      message: String(e.message),
    };
  }
  return { kind: 'InvalidInput', message: String(error) };
}

export function errorMessage(error: unknown): string {
  return asErrorData(error).message;
}
