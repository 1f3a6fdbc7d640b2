import { ValidationError } from './errors.ts';

/** Longest external id or external conversation id Front accepts. */
export const MAX_EXTERNAL_ID_LENGTH = 200;

/** What a channel answers to `authorization`: where Front should send this channel's events. */
export interface AuthorizationResponse {
  type: 'success';
  webhook_url: string;
}

/** What a channel answers to `message` and `message_autoreply`. */
export interface MessageResponse {
  type: 'success';
  external_id: string;
  external_conversation_id: string;
}

/** What a channel answers (with status 400) to a request it refuses. */
export interface BadRequestResponse {
  type: 'bad_request';
  message: string;
}

/**
 * Builds the answer to `authorization`.
 *
 * @throws {ValidationError} when `webhookUrl` is not an absolute http(s) URL.
 */
export function buildAuthorizationResponse(webhookUrl: string): AuthorizationResponse {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new ValidationError('webhook_url must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError('webhook_url must use http or https');
  }
  return { type: 'success', webhook_url: webhookUrl };
}

/**
 * Builds the answer to `message` and `message_autoreply`.
 *
 * @throws {ValidationError} when an id is empty or longer than 200 characters.
 */
export function buildMessageResponse(ids: {
  externalId: string;
  externalConversationId: string;
}): MessageResponse {
  checkExternalId('external_id', ids.externalId);
  checkExternalId('external_conversation_id', ids.externalConversationId);
  return {
    type: 'success',
    external_id: ids.externalId,
    external_conversation_id: ids.externalConversationId,
  };
}

/** Builds the body of a 400 answer. */
export function buildBadRequestResponse(message: string): BadRequestResponse {
  return { type: 'bad_request', message };
}

function checkExternalId(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${field} must be a non-empty string`);
  }
  if (value.length > MAX_EXTERNAL_ID_LENGTH) {
    throw new ValidationError(`${field} must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`);
  }
}
