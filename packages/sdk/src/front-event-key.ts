import { createHash } from 'node:crypto';
import type { FrontEvent } from './front-event.ts';

/**
 * A stable key for de-duplicating an event: the same delivery, sent twice, gets the same key.
 * Messages are keyed by their Front id; auto-replies, which carry none, by the message they answer.
 * Returns `undefined` for events that need no de-duplication (unknown types).
 */
export function frontEventKey(event: FrontEvent): string | undefined {
  switch (event.type) {
    case 'message':
      return `message:${event.payload.id}`;
    case 'message_imported':
      return `message_imported:${event.payload.id}`;
    case 'message_autoreply':
      return `message_autoreply:${autoReplyAnchor(event.payload)}`;
    case 'authorization':
      return `authorization:${event.payload.channel_id}`;
    case 'delete':
      return `delete:${event.payload.channel_id ?? ''}`;
    default:
      return undefined;
  }
}

/** The last path segment of a Front resource link: `msg_7kq2w0` from `…/messages/msg_7kq2w0`. */
export function resourceIdFromLink(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  const segment = link.split(/[?#]/, 1)[0]?.replace(/\/+$/, '').split('/').pop();
  return segment ? decodeURIComponent(segment) : undefined;
}

function autoReplyAnchor(payload: Extract<FrontEvent, { type: 'message_autoreply' }>['payload']) {
  if (payload.id) return payload.id;
  const repliedTo = resourceIdFromLink(payload._links?.related?.message_replied_to);
  if (repliedTo) return `${repliedTo}:autoreply`;
  // No anchor at all: fall back to the content, which is identical on a redelivery.
  const digest = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
  return `sha256:${digest.slice(0, 32)}`;
}
