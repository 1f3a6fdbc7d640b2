/** The `_error` body every Front API answers with on failure. */
export interface FrontErrorBody {
  _error: { status: number; title: string; message: string; details?: string[] };
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

/** An error the emulator turns into a Front-shaped answer with this status. */
export class FrontHttpError extends Error {
  override name = 'FrontHttpError';
  readonly status: number;
  readonly details: string[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    extra: { details?: string[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.details = extra.details;
    this.headers = extra.headers ?? {};
  }
}

/** Builds `{ _error: { status, title, message, details } }`; `details` only when there are any. */
export function buildFrontError(
  status: number,
  message: string,
  details?: string[],
): FrontErrorBody {
  const title = TITLES[status] ?? (status >= 500 ? 'Server error' : 'Error');
  return {
    _error: { status, title, message, ...(details && details.length > 0 ? { details } : {}) },
  };
}
