import { MAX_EXTERNAL_ID_LENGTH } from '@frontbridge/sdk';
import { z } from 'zod';

const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'missing' : `must be ${what}`),
});

/** Body of `PUT …/messages/:message_ext_id/status`: only `failed` exists. */
export const MessageStatusSchema = z.object({
  status: z.literal('failed', required('"failed"')),
  reason: z.string().optional(),
});

/** Body of `PATCH /channels/:id`. */
export const ChannelUpdateSchema = z.object({
  status: z.enum(['ok', 'offline'], required('"ok" or "offline"')),
});

const VariableMapping = z.object({
  uid: z.string(required('a string')),
  name: z.string(required('a string')),
  type: z.string(required('a string')),
});

const TemplateFields = {
  name: z.string(required('a string')).min(1),
  blurb: z.string(required('a string')),
  is_disabled: z.boolean(required('a boolean')),
  status_name: z.enum(
    ['PENDING', 'APPROVED', 'REJECTED'],
    required('PENDING, APPROVED or REJECTED'),
  ),
  variable_mappings: z.array(VariableMapping, required('an array')),
  template_preview: z.string(required('a string')),
};

/** Body of `PUT /channels/:id/application_message_templates`. */
export const TemplateCreateSchema = z.object({
  external_id: z.string(required('a string')).min(1).max(MAX_EXTERNAL_ID_LENGTH),
  ...TemplateFields,
});

/** Body of `PATCH /channels/:id/application_message_templates/:external_id`. */
export const TemplateUpdateSchema = z.object(TemplateFields).partial();

const CallParty = z.object({
  handle: z.string(required('a string')).min(1),
  name: z.string().optional(),
});

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

const CallCommon = {
  external_call_id: z.string(required('a string')).min(1).max(MAX_EXTERNAL_ID_LENGTH),
  initial_status: z.enum(['queued', 'ringing'], required('"queued" or "ringing"')),
  started_at: z.number().int().optional(),
  // Listed as required but described as optional; accept it missing or empty (spec 5.8).
  parent_external_call_id: z.string().optional(),
  agent_email_address: z.string().optional(),
};

/** Body of `POST /channels/:id/calls`, discriminated by `direction`. */
export const CallCreateSchema = z.discriminatedUnion('direction', [
  z.object({ ...CallCommon, direction: z.literal('inbound'), from: CallParty }),
  z.object({ ...CallCommon, direction: z.literal('outbound'), to: CallParty }),
]);

/** Body of `PATCH /channels/:id/calls/:external_call_id`. */
export const CallUpdateSchema = z.object({
  call_status: z.enum(CALL_STATUSES, required('a call status')),
  occurred_at: z.number().int().optional(),
  agent_email_address: z.string().optional(),
});

export const CallSummarySchema = z.object({ content: z.string(required('a string')).min(1) });

export const CallTranscriptSchema = z.object({
  lines: z
    .array(
      z.object({
        speaker_name: z.string(required('a string')),
        content: z.string(required('a string')),
        start_time_seconds: z.number(required('a number')),
        speaker_type: z.enum(['internal', 'external'], required('"internal" or "external"')),
      }),
      required('an array'),
    )
    .min(1),
});
