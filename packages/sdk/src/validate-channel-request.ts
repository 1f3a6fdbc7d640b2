import { z } from 'zod';
import type { AttachmentInput } from './encode-form-data.ts';
import { ValidationError } from './errors.ts';
import { MAX_EXTERNAL_ID_LENGTH } from './front-responses.ts';

/** Front's cap on the attachments of one sync request (taken per request, the stricter reading). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
// Epoch seconds pass 1e11 in the year 5138; a larger value is almost surely milliseconds.
const LARGEST_SECONDS_TIMESTAMP = 1e11;

const text = () => z.string().min(1, { error: 'must not be empty' });
const externalId = () =>
  text().max(MAX_EXTERNAL_ID_LENGTH, {
    error: `must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`,
  });

const ContactSchema = z.looseObject({
  handle: text(),
  name: z.string().optional(),
  email: z.string().optional(),
});

const MessageMetadataSchema = z.looseObject({
  external_id: externalId(),
  external_conversation_id: externalId(),
  referenced_message_external_id: externalId().optional(),
});

const DeliveredAtSchema = z
  .number()
  .int()
  .nonnegative()
  .max(LARGEST_SECONDS_TIMESTAMP, { error: 'must be epoch seconds, not milliseconds' })
  .optional();

const AttachmentSchema = z.custom<AttachmentInput>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AttachmentInput).contentType === 'string' &&
    (value as AttachmentInput).contentType.includes('/') &&
    ((value as AttachmentInput).data instanceof Uint8Array ||
      (value as AttachmentInput).data instanceof Blob),
  { error: 'must be { contentType: "type/subtype", data: Uint8Array | Blob, filename? }' },
);

const messageFields = {
  subject: z.string().optional(),
  body: text(),
  metadata: MessageMetadataSchema,
  delivered_at: DeliveredAtSchema,
  attachments: z.array(AttachmentSchema).optional(),
};

/** Schema of the body of `POST /channels/:id/inbound_messages`. */
export const InboundMessageSchema = z.looseObject({ sender: ContactSchema, ...messageFields });

/** Schema of the body of `POST /channels/:id/outbound_messages`. */
export const OutboundMessageSchema = z.looseObject({
  to: z.array(ContactSchema).min(1, { error: 'must list at least one recipient' }),
  sender_name: z.string().optional(),
  author_id: z.string().optional(),
  ...messageFields,
});

/** Schema of `PUT …/messages/:externalId/status`. */
export const MessageStatusSchema = z.looseObject({
  externalConversationId: externalId(),
  externalId: externalId(),
  status: z.literal('failed'),
  reason: z.string().optional(),
});

const VariableMappingSchema = z.looseObject({ uid: text(), name: text(), type: text() });
const templateFields = {
  name: text(),
  blurb: z.string(),
  is_disabled: z.boolean(),
  status_name: z.string(),
  variable_mappings: z.array(VariableMappingSchema),
  template_preview: z.string(),
};

/** Schema of `PUT /channels/:id/application_message_templates`. */
export const MessageTemplateSchema = z.looseObject({
  external_id: externalId(),
  ...templateFields,
});
/** Schema of `PATCH /channels/:id/application_message_templates/:externalId`. */
export const MessageTemplatePatchSchema = z.looseObject(templateFields).partial();

const CallPartySchema = z.looseObject({ handle: text(), name: z.string().optional() });
const EpochMillisecondsSchema = z
  .number()
  .int()
  .min(LARGEST_SECONDS_TIMESTAMP, { error: 'must be epoch milliseconds, not seconds' });
const callFields = {
  external_call_id: externalId(),
  initial_status: z.enum(['queued', 'ringing']),
  started_at: EpochMillisecondsSchema.optional(),
  // Front's schema marks it required while describing it as optional: send '' when there is none.
  parent_external_call_id: z.string().default(''),
  agent_email_address: z.string().optional(),
};

/** Schema of `POST /channels/:id/calls`: inbound calls need `from`, outbound calls need `to`. */
export const CreateCallSchema = z.discriminatedUnion('direction', [
  z.looseObject({ direction: z.literal('inbound'), from: CallPartySchema, ...callFields }),
  z.looseObject({ direction: z.literal('outbound'), to: CallPartySchema, ...callFields }),
]);

/** Front's call states. */
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'connected',
  'hold',
  'hangup',
  'abandoned',
  'missed',
  'transferred',
] as const;

/** Schema of `PATCH /channels/:id/calls/:externalCallId`. */
export const UpdateCallSchema = z.looseObject({
  call_status: z.enum(CALL_STATUSES),
  occurred_at: EpochMillisecondsSchema.optional(),
  agent_email_address: z.string().optional(),
});

/** Schema of `POST …/calls/:externalCallId/summary`. */
export const CallSummarySchema = z.looseObject({ content: text() });

/** Schema of `POST …/calls/:externalCallId/transcript`. */
export const CallTranscriptSchema = z.looseObject({
  lines: z
    .array(
      z.looseObject({
        speaker_name: z.string(),
        content: text(),
        start_time_seconds: z.number().nonnegative(),
        speaker_type: z.enum(['internal', 'external']),
      }),
    )
    .min(1, { error: 'must hold at least one line' }),
});

/**
 * Parses `value` with `schema` and returns the parsed copy.
 *
 * @throws {ValidationError} listing every problem as `path: problem`.
 */
export function validateInput<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`Invalid ${what}`, result.error.issues.map(describeIssue));
}

/**
 * Checks what a schema cannot see: the attachment size cap and, when the caller says handles are
 * phone numbers, that each one is E.164 (`+` and country code; Front would otherwise assume +1).
 *
 * @throws {ValidationError} listing every problem.
 */
export function checkHandlesAndSize(
  what: string,
  handles: ReadonlyArray<{ path: string; handle: string }>,
  options: { phoneHandles: boolean; attachments: readonly AttachmentInput[] },
): void {
  const issues: string[] = [];
  if (options.phoneHandles) {
    for (const { path, handle } of handles) {
      if (!E164_PATTERN.test(handle)) issues.push(`${path}: must be an E.164 phone number`);
    }
  }

  const bytes = options.attachments.reduce((sum, file) => sum + byteLength(file.data), 0);
  if (bytes > MAX_ATTACHMENT_BYTES) {
    issues.push(
      `attachments: total ${bytes} bytes exceeds Front's limit of ${MAX_ATTACHMENT_BYTES}`,
    );
  }
  if (issues.length > 0) throw new ValidationError(`Invalid ${what}`, issues);
}

function byteLength(data: Uint8Array | Blob): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'invalid_type') {
    const missing = issue.message.endsWith('received undefined');
    return `${path}: ${missing ? 'is required' : `must be ${article(issue.expected)}`}`;
  }
  if (issue.code === 'invalid_value') {
    return `${path}: must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return `${path}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
