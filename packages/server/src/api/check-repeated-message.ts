import { isDeepStrictEqual } from 'node:util';
import { HttpError } from '../http/http-error.ts';
import type { MessageRow, RecordResult } from '../store/store.ts';
import { type ApiMessageContent, parseContent } from '../workers/message-content.ts';

/** A message as `POST /api/v1/messages` would store it, after its handles were normalised. */
export interface ApiMessageCandidate {
  direction: MessageRow['direction'];
  contactHandle: string;
  /** Only when the request named one; otherwise the stored conversation is not compared. */
  conversationId: string | undefined;
  content: ApiMessageContent;
}

/**
 * Lets a repeated `external_id` through only as a retry of the message stored under it, which is
 * then answered with the first id. A repeat of a message Front sent (origin `front`) is the
 * external system's echo of it and passes too.
 *
 * @throws {HttpError} 409 `idempotency_conflict` when the repeat describes a different message.
 */
export function checkRepeatedMessage(result: RecordResult, candidate: ApiMessageCandidate): void {
  const { message, duplicate } = result;
  if (!duplicate || message.origin !== 'api' || isSameApiMessage(message, candidate)) return;

  throw new HttpError(
    409,
    'idempotency_conflict',
    'external_id was already used on this channel for a different message; send a new one.',
  );
}

// Compares what was stored (direction, contact, conversation, the `content` JSON) with what this
// request would store, so `447700900123` and `+447700900123` are the same sender.
function isSameApiMessage(stored: MessageRow, candidate: ApiMessageCandidate): boolean {
  if (stored.direction !== candidate.direction) return false;
  if (stored.contact_handle !== candidate.contactHandle) return false;
  if (
    candidate.conversationId !== undefined &&
    stored.external_conversation_id !== candidate.conversationId
  ) {
    return false;
  }
  return isDeepStrictEqual(parseContent(stored.content), candidate.content);
}
