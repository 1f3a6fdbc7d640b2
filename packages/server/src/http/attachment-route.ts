import { ApiError, NetworkError, RateLimitError, TimeoutError } from '@frontbridge/sdk';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FrontMessageContent } from '../workers/message-content.ts';
import { parseContent } from '../workers/message-content.ts';
import type { ServerContext } from '../workers/worker-context.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { HttpError } from './http-error.ts';

/**
 * Serves the attachment links put into deliveries: checks the link's signature and expiry, then
 * streams the file from Front with a channel token (the receiver never needs Front credentials).
 */
export function registerAttachmentRoute(app: FastifyInstance, context: ServerContext) {
  app.get('/attachments/:messageId/:index', async (request, reply) => {
    const { messageId, index } = request.params as { messageId: string; index: string };
    const { expires = '', signature = '' } = request.query as Record<string, string | undefined>;
    const position = Number(index);
    const valid =
      /^\d+$/.test(index) &&
      context.attachmentLinks.isValid({
        messageId,
        index: position,
        expires,
        signature,
        now: context.now(),
      });
    if (!valid)
      throw new HttpError(403, 'invalid_link', 'This attachment link is invalid or expired.');

    const message = await context.store.getMessage(messageId);
    const content = message && parseContent(message.content);
    const attachment = (content as FrontMessageContent | undefined)?.attachments?.[position];
    if (!message || !attachment) throw new HttpError(404, 'not_found', 'No such attachment.');

    const file = await context.front
      .downloadAttachment(message.channel_id, attachment.url)
      .catch((error: unknown) => {
        throw asUpstreamError(error, reply);
      });
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', attachmentDisposition(attachment.filename))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(file.data));
  });
}

/**
 * When Front fails to hand over the file, the fault is upstream: 503 while it rate-limits us (with
 * its advice as `retry-after`), 504 when it does not answer in time, 502 for an error answer or a
 * broken connection. Anything else is ours and stays a 500.
 */
function asUpstreamError(error: unknown, reply: FastifyReply): unknown {
  if (error instanceof RateLimitError) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    return new HttpError(
      503,
      'upstream_rate_limited',
      'Front is rate-limiting attachment downloads; try again later.',
    );
  }
  if (error instanceof TimeoutError) {
    return new HttpError(504, 'upstream_timeout', 'Front did not send the attachment in time.');
  }
  if (error instanceof ApiError) {
    return new HttpError(
      502,
      'upstream_error',
      `Front answered ${error.status} while sending the attachment.`,
    );
  }
  if (error instanceof NetworkError) {
    return new HttpError(502, 'upstream_error', 'The connection to Front failed.');
  }
  return error;
}
