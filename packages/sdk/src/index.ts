export {
  type CreateChannelTokenOptions,
  createChannelToken,
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
} from './create-channel-token.ts';
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
export {
  type FrontSignatureHeaders,
  type SignFrontRequestOptions,
  signFrontRequest,
} from './sign-front-request.ts';
export {
  DEFAULT_TOLERANCE_MS,
  isValidFrontRequest,
  type VerifyFrontRequestOptions,
  verifyFrontRequest,
} from './verify-front-request.ts';
