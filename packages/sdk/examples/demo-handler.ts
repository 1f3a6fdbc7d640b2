// The callbacks every framework example mounts: answer Front the way a real channel would.
import { randomUUID } from 'node:crypto';
import {
  buildAuthorizationResponse,
  buildMessageResponse,
  createFrontWebhookHandler,
  type FrontWebhookHandler,
} from '@frontbridge/sdk';

/** Builds the demo channel's webhook handler for a public base URL. */
export function createDemoHandler(options: {
  secret: string;
  publicUrl: string;
}): FrontWebhookHandler {
  return createFrontWebhookHandler({
    secret: options.secret,
    on: {
      // Front asks where to send this channel's events; a per-channel path keeps them apart.
      authorization: (event) =>
        buildAuthorizationResponse(`${options.publicUrl}/front/${event.payload.channel_id}`),
      // A teammate sent a message: deliver it on your system, then tell Front your ids.
      message: (event) => {
        const to = event.payload.recipients.find((recipient) => recipient.role === 'to');
        return buildMessageResponse({
          externalId: `demo-${randomUUID()}`,
          externalConversationId: to?.handle ?? 'demo-thread',
        });
      },
      message_autoreply: () =>
        buildMessageResponse({
          externalId: `demo-${randomUUID()}`,
          externalConversationId: 'demo-thread',
        }),
      delete: () => undefined,
    },
  });
}
