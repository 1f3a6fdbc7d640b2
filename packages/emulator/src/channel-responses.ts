import { formatIssues, MAX_EXTERNAL_ID_LENGTH } from '@frontbridge/sdk';
import { z } from 'zod';

const ExternalId = z.string().min(1).max(MAX_EXTERNAL_ID_LENGTH);

const AbsoluteHttpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL');

/** What a channel must answer to `authorization`. */
export const AuthorizationAnswerSchema = z.looseObject({
  type: z.literal('success'),
  webhook_url: AbsoluteHttpUrl,
});

/** What a channel must answer to `message` and `message_autoreply`. */
export const MessageAnswerSchema = z.looseObject({
  type: z.literal('success'),
  external_id: ExternalId,
  external_conversation_id: ExternalId,
});

/** Parses a channel's answer text against a schema; returns the data or the problems. */
export function checkAnswer<Schema extends z.ZodType>(
  schema: Schema,
  text: string | undefined,
): { ok: true; data: z.infer<Schema> } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    return { ok: false, problems: ['the response body is not JSON'] };
  }
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, data: result.data }
    : { ok: false, problems: formatIssues(result.error) };
}
