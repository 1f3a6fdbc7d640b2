import type { FastifyInstance } from 'fastify';
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

    const file = await context.front.downloadAttachment(message.channel_id, attachment.url);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', attachmentDisposition(attachment.filename))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(file.data));
  });
}
