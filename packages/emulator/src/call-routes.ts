import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateChannel, CHANNEL_API, param } from './channel-api-auth.ts';
import {
  CallCreateSchema,
  CallSummarySchema,
  CallTranscriptSchema,
  CallUpdateSchema,
} from './channel-api-schemas.ts';
import type { EmulatorContext } from './emulator-context.ts';
import type { EmulatorCall } from './emulator-state.ts';
import { FrontHttpError } from './front-error.ts';
import { parseMultipartBody } from './parse-multipart-body.ts';
import { parseBody } from './sync-message-schema.ts';

type CallAction = (
  context: EmulatorContext,
  call: EmulatorCall,
  request: FastifyRequest,
) => Promise<void> | void;

const callKey = (channelId: string, externalCallId: string) =>
  `${channelId}\u0000${externalCallId}`;

// What each route under `/calls/:external_call_id` does to an existing call.
const CALL_ACTIONS: [method: 'PATCH' | 'POST', suffix: string, action: CallAction][] = [
  [
    'PATCH',
    '',
    (context, call, request) => {
      const body = parseBody(CallUpdateSchema, request.body);
      call.status = body.call_status;
      call.history.push({ status: body.call_status, at: body.occurred_at ?? context.now() });
    },
  ],
  [
    'POST',
    '/summary',
    (_context, call, request) => {
      call.summary = parseBody(CallSummarySchema, request.body).content;
    },
  ],
  [
    'POST',
    '/transcript',
    (_context, call, request) => {
      call.transcript.push(...parseBody(CallTranscriptSchema, request.body).lines);
    },
  ],
  ['POST', '/recording', addRecording],
];

/** Voice-call routes of application voice channels; each accepted call answers 202 without body. */
export function registerCallRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/channels/:channel_id/calls', CHANNEL_API, async (request, reply) => {
    const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
    const body = parseBody(CallCreateSchema, request.body);
    const key = callKey(channel.id, body.external_call_id);
    if (context.state.calls.has(key))
      throw new FrontHttpError(409, 'This external_call_id exists.');
    context.state.calls.set(key, {
      channelId: channel.id,
      externalCallId: body.external_call_id,
      status: body.initial_status,
      direction: body.direction,
      summary: undefined,
      transcript: [],
      recordings: [],
      history: [{ status: body.initial_status, at: body.started_at ?? context.now() }],
    });
    return reply.code(202).send();
  });

  for (const [method, suffix, action] of CALL_ACTIONS) {
    const url = `/channels/:channel_id/calls/:external_call_id${suffix}`;
    app.route({
      method,
      url,
      ...CHANNEL_API,
      handler: async (request, reply) => {
        const channel = await authenticateChannel(context, request, param(request, 'channel_id'));
        const call = context.state.calls.get(
          callKey(channel.id, param(request, 'external_call_id')),
        );
        if (!call) throw new FrontHttpError(404, 'No call with this external_call_id.');
        await action(context, call, request);
        return reply.code(202).send();
      },
    });
  }
}

async function addRecording(context: EmulatorContext, call: EmulatorCall, request: FastifyRequest) {
  if (!request.isMultipart())
    throw new FrontHttpError(400, 'A recording is sent as multipart/form-data.');
  const { fields, files } = await parseMultipartBody(request, context.config.maxAttachmentBytes);
  const [file] = files;
  if (files.length !== 1 || !file?.contentType.startsWith('audio/')) {
    throw new FrontHttpError(400, 'Send exactly one audio/* file in the attachments field.');
  }
  const recordingType = fields.recording_type;
  if (recordingType !== 'call' && recordingType !== 'voicemail') {
    throw new FrontHttpError(400, 'recording_type must be "call" or "voicemail".');
  }
  call.recordings.push({ recordingType, filename: file.filename, size: file.data.length });
}
