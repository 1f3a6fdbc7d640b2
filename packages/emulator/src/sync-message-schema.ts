import { formatIssues, MAX_EXTERNAL_ID_LENGTH } from '@frontbridge/sdk';
import { z } from 'zod';
import { FrontHttpError } from './front-error.ts';

const text = (what = 'a string') =>
  z.string({ error: (issue) => (issue.input === undefined ? 'missing' : `must be ${what}`) });

const nonBlank = () => text().refine((value) => value.trim().length > 0, 'must not be blank');

const externalId = () =>
  nonBlank().refine(
    (value) => value.length <= MAX_EXTERNAL_ID_LENGTH,
    `must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`,
  );

// Multipart sends every value as text, so whole seconds may arrive as a digit string.
const epochSeconds = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be whole epoch seconds')
    .transform(Number),
]);

const Handle = z.object(
  { handle: nonBlank(), name: text().optional(), email: text().optional() },
  { error: (issue) => (issue.input === undefined ? 'missing' : 'must be an object') },
);

const Metadata = z.object(
  {
    external_id: externalId(),
    external_conversation_id: externalId(),
    referenced_message_external_id: externalId().optional(),
  },
  { error: (issue) => (issue.input === undefined ? 'missing' : 'must be an object') },
);

const Common = {
  subject: text().optional(),
  body: nonBlank(),
  metadata: Metadata,
  delivered_at: epochSeconds.optional(),
};

/** Body of `POST /channels/:id/inbound_messages`. */
export const InboundMessageSchema = z.object({ ...Common, sender: Handle });

/** Body of `POST /channels/:id/outbound_messages`; `to` is an array, never one object. */
export const OutboundMessageSchema = z.object({
  ...Common,
  to: z
    .array(Handle, {
      error: (issue) => (issue.input === undefined ? 'missing' : 'must be an array of recipients'),
    })
    .min(1, 'must name at least one recipient'),
  sender_name: text().optional(),
  author_id: text().optional(),
});

export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;

/**
 * Validates a request body against a schema and answers Front's 400 with one `body.<path>: what`
 * detail per problem.
 *
 * @throws {FrontHttpError} 400 when the body does not satisfy the schema.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.infer<Schema> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new FrontHttpError(400, 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = formatIssues(result.error).map((issue) =>
    issue.startsWith('(root)') ? `body${issue.slice(6)}` : `body.${issue}`,
  );
  throw new FrontHttpError(400, 'Body did not satisfy requirements', { details });
}
