import { z } from 'zod';
import { invalidInput } from '../../machines/config.ts';
import type { Reply, ReplyFrame, RequestFrame } from '../../machines/ipc.ts';

const RequestSchema = z
  .object({
    id: z
      .number({ error: 'id must be a number' })
      .int({ error: 'id must be an integer' })
      .nonnegative({ error: 'id must not be negative' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'id is too large' }),
    command: z.string({ error: 'command must be text' }),
    args: z.unknown().optional(),
  })
  .strict();

export type ParsedFrame = { ok: true; frame: RequestFrame } | { ok: false; reply: ReplyFrame };

const refusal = (id: number | null, message: string, field = 'frame'): ReplyFrame => ({
  id,
  ok: false,
  error: { kind: 'InvalidInput', message, field },
});

/**
 * A text frame as a request, or the InvalidInput reply it gets instead; the reply carries the
 * frame's id whenever the frame had a usable one, so the client can match it.
 */
export function parseFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reply: refusal(null, 'Invalid frame: not JSON') };
  }
  const parsed = RequestSchema.safeParse(value);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const raw = (value as { id?: unknown } | null)?.id;
  const id = Number.isSafeInteger(raw) && (raw as number) >= 0 ? (raw as number) : null;
  const error = invalidInput(parsed.error, 'frame');
  return { ok: false, reply: refusal(id, error.message, error.field) };
}

export const replyFrame = (id: number, reply: Reply): ReplyFrame => ({ id, ...reply });
