import { z } from 'zod';
import { ValidationError } from './errors.ts';

// Every schema here is loose: Front adds fields over time and an unknown field must never turn a
// good event into a rejected one. Only the fields a channel acts on are required.

const LinkSchema = z.string().nullable().optional();

/** A recipient of a message: `from`, `to`, `cc`, `bcc` or `reply-to`. */
export const RecipientSchema = z.looseObject({
  handle: z.string(),
  role: z.string(),
  name: z.string().nullable().optional(),
  _links: z.looseObject({ related: z.looseObject({ contact: LinkSchema }).optional() }).optional(),
});

/** A file attached to a message; `url` needs a channel token to download. */
export const AttachmentSchema = z.looseObject({
  id: z.string().optional(),
  filename: z.string(),
  url: z.string(),
  content_type: z.string(),
  size: z.number().optional(),
  metadata: z
    .looseObject({ is_inline: z.boolean().optional(), cid: z.string().optional() })
    .optional(),
});

const MessageLinksSchema = z.looseObject({
  self: z.string().optional(),
  related: z
    .looseObject({
      conversation: LinkSchema,
      message_replied_to: LinkSchema,
      message_seen: LinkSchema,
    })
    .optional(),
});

/** The Core API Message resource Front sends in `message` and `message_imported` events. */
export const MessageSchema = z.looseObject({
  _links: MessageLinksSchema.optional(),
  id: z.string().min(1),
  type: z.string().optional(),
  is_inbound: z.boolean().optional(),
  created_at: z.number().optional(),
  subject: z.string().nullable().optional(),
  blurb: z.string().nullable().optional(),
  body: z.string().nullable().optional(),
  text: z.string().nullable().optional(),
  author: z.looseObject({ id: z.string().optional() }).nullable().optional(),
  recipients: z.array(RecipientSchema).default([]),
  attachments: z.array(AttachmentSchema).default([]),
  metadata: z.looseObject({}).nullable().optional(),
});

/** The reduced message of a `message_autoreply` event: no `id`, no author. */
export const AutoReplySchema = MessageSchema.extend({ id: z.string().optional() });

const ChannelPayloadSchema = z.looseObject({ channel_id: z.string().min(1) });

const ImportedMetadataSchema = z.looseObject({
  external_conversation_id: z.string().optional(),
  external_conversation_ids: z.array(z.string()).optional(),
});

const envelope = <Type extends string, Payload extends z.ZodType>(type: Type, payload: Payload) =>
  z.looseObject({ type: z.literal(type), payload, metadata: z.looseObject({}).optional() });

export const AuthorizationEventSchema = envelope('authorization', ChannelPayloadSchema);
export const MessageEventSchema = envelope('message', MessageSchema);
export const AutoReplyEventSchema = envelope('message_autoreply', AutoReplySchema);
export const MessageImportedEventSchema = envelope('message_imported', MessageSchema).extend({
  metadata: ImportedMetadataSchema.optional(),
});
// The 2019 page described `delete` as a bare request without payload; accept a missing one.
export const DeleteEventSchema = envelope('delete', ChannelPayloadSchema.partial().default({}));
export const ListAddressesEventSchema = envelope('list_addresses', z.looseObject({}).default({}));

export type Recipient = z.infer<typeof RecipientSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type FrontMessage = z.infer<typeof MessageSchema>;
export type FrontAutoReply = z.infer<typeof AutoReplySchema>;
export type AuthorizationEvent = z.infer<typeof AuthorizationEventSchema>;
export type MessageEvent = z.infer<typeof MessageEventSchema>;
export type AutoReplyEvent = z.infer<typeof AutoReplyEventSchema>;
export type MessageImportedEvent = z.infer<typeof MessageImportedEventSchema>;
export type DeleteEvent = z.infer<typeof DeleteEventSchema>;
export type ListAddressesEvent = z.infer<typeof ListAddressesEventSchema>;

/** An event whose `type` this SDK does not know yet. Answer it with 200 `{}`. */
export interface UnknownEvent {
  type: 'unknown';
  /** The `type` Front sent (may be any JSON value if the sender was not Front). */
  originalType: unknown;
  raw: unknown;
}

/** Every event Front sends to a channel, discriminated by `type`. */
export type FrontEvent =
  | AuthorizationEvent
  | MessageEvent
  | AutoReplyEvent
  | MessageImportedEvent
  | DeleteEvent
  | ListAddressesEvent
  | UnknownEvent;

/** The event types this SDK knows. */
export type FrontEventType = Exclude<FrontEvent['type'], 'unknown'>;

const SCHEMAS: Record<FrontEventType, z.ZodType> = {
  authorization: AuthorizationEventSchema,
  message: MessageEventSchema,
  message_autoreply: AutoReplyEventSchema,
  message_imported: MessageImportedEventSchema,
  delete: DeleteEventSchema,
  list_addresses: ListAddressesEventSchema,
};

/**
 * Parses an event body (raw JSON text or bytes, or an already parsed value) into a typed event.
 * Types it does not know come back as `{ type: 'unknown' }`, never as an error.
 *
 * @throws {ValidationError} when the body is not JSON, not an object, or a known type lacks a field
 *   the channel needs (the message lists each path).
 */
export function parseFrontEvent(json: unknown): FrontEvent {
  const value = typeof json === 'string' || json instanceof Uint8Array ? parseJson(json) : json;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('A Front event must be a JSON object');
  }

  const type = (value as { type?: unknown }).type;
  const schema = typeof type === 'string' ? SCHEMAS[type as FrontEventType] : undefined;
  if (!schema || !Object.hasOwn(SCHEMAS, type as string)) {
    return { type: 'unknown', originalType: type, raw: value };
  }

  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(`Invalid ${String(type)} event`, formatIssues(result.error));
  }
  return result.data as FrontEvent;
}

/** Formats zod issues as `path: message`, the shape every frontbridge error uses. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function parseJson(text: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    throw new ValidationError('A Front event must be valid JSON');
  }
}
