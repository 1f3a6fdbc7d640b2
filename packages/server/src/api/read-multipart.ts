import type { MultipartFile } from '@fastify/multipart';
import { MAX_ATTACHMENT_BYTES } from '@frontbridge/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http/http-error.ts';
import { refuseUnread } from '../http/refuse-unread.ts';

export type Upload = { filename: string; contentType: string; data: Uint8Array };

export interface MultipartLimits {
  /** The server's body limit, taken over the whole multipart request as it arrives. */
  requestBytes: number;
  /**
   * Front's cap on the attachments of one message; defaults to the SDK's `MAX_ATTACHMENT_BYTES`.
   * It is also the cap on each file, as no single file can be larger than all of them together.
   */
  attachmentBytes?: number;
  /**
   * The cap on one text field; defaults to `requestBytes`, so a body the JSON route accepts is
   * accepted as a form field too (the plugin's own 1 MiB default would cut it short).
   */
  fieldBytes?: number;
}

/**
 * Reads a multipart message request into its fields and uploads. Fastify's body limit does not
 * cover multipart (the plugin streams it), so the totals are kept here and the request is refused
 * with a 413 as soon as one passes its limit, before anything is stored.
 *
 * A field or file the plugin cut at its limit is refused, never stored shortened.
 *
 * @throws {HttpError} 413 `payload_too_large` past a size limit; 400 `too_many_fields`,
 *   `too_many_files` or `too_many_parts` past the plugin's count limits; 400 `invalid_multipart`
 *   on a bad body.
 */
export async function readMultipart(
  request: FastifyRequest,
  reply: FastifyReply,
  limits: MultipartLimits,
) {
  const budget = createBudget(limits);
  if (Number(request.headers['content-length']) > limits.requestBytes) {
    refuseUnread(reply);
    throw budget.requestTooLarge();
  }

  // Counting the raw stream also covers chunked requests, which declare no length. The listener
  // goes on in the same tick as the plugin's pipe, so it sees every chunk the parser sees.
  const parts = request.parts({
    limits: { fieldSize: budget.fieldLimit, fileSize: budget.attachmentLimit },
  });
  request.raw.on('data', budget.countRequest);
  const fields: Record<string, unknown> = {};
  const uploads: Upload[] = [];
  try {
    for await (const part of parts) {
      budget.check();
      if (part.type === 'file') {
        uploads.push(await readFile(part, budget));
      } else if (part.valueTruncated) {
        throw budget.fieldTooLarge(part.fieldname);
      } else if (part.fieldname === 'to' || part.fieldname === 'to[]') {
        fields.to = [...((fields.to as string[] | undefined) ?? []), String(part.value)];
      } else {
        fields[part.fieldname] = part.value;
      }
    }
    budget.check();
  } catch (error) {
    refuseUnread(reply);
    throw asMultipartError(error);
  } finally {
    request.raw.off('data', budget.countRequest);
  }
  return { fields, uploads };
}

type Budget = ReturnType<typeof createBudget>;

function createBudget(limits: MultipartLimits) {
  const attachmentLimit = limits.attachmentBytes ?? MAX_ATTACHMENT_BYTES;
  const fieldLimit = limits.fieldBytes ?? limits.requestBytes;
  let requestBytes = 0;
  let attachmentBytes = 0;
  const requestTooLarge = () =>
    new HttpError(
      413,
      'payload_too_large',
      `The request body is larger than this server's limit of ${limits.requestBytes} bytes.`,
    );
  const attachmentsTooLarge = () =>
    new HttpError(
      413,
      'payload_too_large',
      `The attachments total more than Front's limit of ${attachmentLimit} bytes per message.`,
    );
  const attachmentTooLarge = (filename: string) =>
    new HttpError(
      413,
      'payload_too_large',
      `The attachment ${JSON.stringify(filename)} is larger than Front's limit of ` +
        `${attachmentLimit} bytes for the attachments of one message.`,
    );
  const fieldTooLarge = (name: string) =>
    new HttpError(
      413,
      'payload_too_large',
      `The form field ${JSON.stringify(name)} is larger than this server's limit of ` +
        `${fieldLimit} bytes.`,
    );

  return {
    attachmentLimit,
    fieldLimit,
    requestTooLarge,
    attachmentsTooLarge,
    attachmentTooLarge,
    fieldTooLarge,
    countRequest: (chunk: Buffer) => {
      requestBytes += chunk.length;
    },
    countAttachment: (bytes: number) => {
      attachmentBytes += bytes;
    },
    check: () => {
      if (attachmentBytes > attachmentLimit) throw attachmentsTooLarge();
      if (requestBytes > limits.requestBytes) throw requestTooLarge();
    },
  };
}

async function readFile(part: MultipartFile, budget: Budget): Promise<Upload> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    budget.countAttachment(chunk.length);
    budget.check();
    chunks.push(chunk);
  }
  // The plugin's per-file cap truncates the stream and flags it, without throwing here.
  if (part.file.truncated) throw budget.attachmentTooLarge(part.filename);
  return { filename: part.filename, contentType: part.mimetype, data: Buffer.concat(chunks) };
}

// The plugin's count limits are not about size, so they get a 400 that says which count it was
// rather than its 413. Our own limits and the plugin's other 4xx keep theirs; anything else is a
// body that is not valid multipart.
const COUNT_LIMITS = new Map([
  ['FST_FIELDS_LIMIT', { code: 'too_many_fields', what: 'fields' }],
  ['FST_FILES_LIMIT', { code: 'too_many_files', what: 'files' }],
  ['FST_PARTS_LIMIT', { code: 'too_many_parts', what: 'parts' }],
]);

function asMultipartError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const countLimit = COUNT_LIMITS.get(String((error as { code?: unknown } | null)?.code));
  if (countLimit) {
    const message = `The form has more ${countLimit.what} than this server accepts in one message.`;
    return new HttpError(400, countLimit.code, message);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  return new HttpError(400, 'invalid_multipart', 'The multipart body could not be read.');
}
