export {
  ChannelApiClient,
  type ChannelApiClientOptions,
  DEFAULT_BASE_URL,
} from './channel-api-client.ts';
export type * from './channel-api-types.ts';
export { ChannelPacer, type ChannelPacerOptions } from './channel-pacer.ts';
export {
  type CreateChannelTokenOptions,
  createChannelToken,
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
} from './create-channel-token.ts';
export {
  type CallbackResult,
  createFrontWebhookHandler,
  DEFAULT_MAX_BODY_BYTES,
  type FrontWebhookCallbacks,
  type FrontWebhookHandler,
  type FrontWebhookHandlerOptions,
  type ListAddressesResponse,
  PayloadTooLargeError,
  type WebhookContext,
} from './create-front-webhook-handler.ts';
export {
  createNodeMiddleware,
  type NodeMiddleware,
  type NodeMiddlewareOptions,
} from './create-node-middleware.ts';
export {
  type AttachmentInput,
  attachmentFilename,
  encodeFormData,
  extensionFor,
} from './encode-form-data.ts';
export {
  ApiError,
  ConfigError,
  FrontbridgeError,
  type FrontErrorBody,
  NetworkError,
  RateLimitError,
  type SignatureVerificationCode,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
} from './errors.ts';
export * from './front-event.ts';
export { frontEventKey, resourceIdFromLink } from './front-event-key.ts';
export * from './front-responses.ts';
export {
  computeFrontSignature,
  type RawBody,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './front-signature.ts';
export { getHeader, type HeaderInput } from './headers.ts';
export { joinUrl } from './join-url.ts';
export { parseRetryAfter } from './parse-retry-after.ts';
export { computeBackoffMs, MAX_BACKOFF_MS, MIN_BACKOFF_MS } from './retry-timing.ts';
export {
  type FrontSignatureHeaders,
  type SignFrontRequestOptions,
  signFrontRequest,
} from './sign-front-request.ts';
export { CALL_STATUSES, MAX_ATTACHMENT_BYTES } from './validate-channel-request.ts';
export {
  DEFAULT_TOLERANCE_MS,
  isValidFrontRequest,
  type VerifyFrontRequestOptions,
  verifyFrontRequest,
} from './verify-front-request.ts';
