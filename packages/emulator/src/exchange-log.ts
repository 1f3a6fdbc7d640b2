/** One HTTP exchange, in either direction, as the exchange log keeps it. */
export interface ExchangeEntry {
  n: number;
  /** `to_channel`: the emulator called the channel; `from_channel`: the channel called the API. */
  direction: 'to_channel' | 'from_channel';
  /** Event type (`message`, `authorization`…) or API route name. */
  kind: string;
  channelId: string | undefined;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number | undefined;
  responseBody: string | undefined;
  durationMs: number;
  /** Outgoing: whether the signature checks out against the app secret; incoming: the JWT check. */
  verdict: string;
  error: string | undefined;
  /** Set on a replay or redelivery: the entry it repeats. */
  repeatOf: number | undefined;
  at: number;
}

export interface ExchangeLog {
  entries: ExchangeEntry[];
  next: number;
}

/** Oldest entries are dropped past this, so a long session does not grow without bound. */
export const MAX_LOG_ENTRIES = 2000;
const MAX_LOGGED_BODY = 64 * 1024;
const SECRET_HEADERS = new Set([
  'authorization',
  'x-front-signature',
  'cookie',
  'proxy-authorization',
]);
// The frontbridge server puts its channel credential in the webhook URL's path
// (`/front/channels/fbw_…`), so URLs and authorization answers would show it in full.
const WEBHOOK_TOKEN = /fbw_([A-Za-z0-9_-]+)/g;

export function createExchangeLog(): ExchangeLog {
  return { entries: [], next: 1 };
}

export function appendExchange(log: ExchangeLog, entry: Omit<ExchangeEntry, 'n'>): ExchangeEntry {
  const stored = { ...entry, n: log.next++ };
  log.entries.push(stored);
  if (log.entries.length > MAX_LOG_ENTRIES) log.entries.shift();
  return stored;
}

export function findExchange(log: ExchangeLog, n: number): ExchangeEntry | undefined {
  return log.entries.find((entry) => entry.n === n);
}

/** The entry as the control API shows it: secrets masked, bodies capped. */
export function presentExchange(entry: ExchangeEntry): Record<string, unknown> {
  const headers = maskHeaders(entry.requestHeaders);
  for (const [name, value] of Object.entries(headers)) headers[name] = maskWebhookTokens(value);
  return {
    n: entry.n,
    direction: entry.direction,
    kind: entry.kind,
    channel_id: entry.channelId ?? null,
    method: entry.method,
    url: maskWebhookTokens(entry.url),
    request_headers: headers,
    request_body: maskWebhookTokens(capBody(entry.requestBody)),
    status: entry.status ?? null,
    response_body:
      entry.responseBody === undefined ? null : maskWebhookTokens(capBody(entry.responseBody)),
    duration_ms: entry.durationMs,
    verdict: entry.verdict,
    error: entry.error === undefined ? null : maskWebhookTokens(entry.error),
    repeat_of: entry.repeatOf ?? null,
    at: entry.at,
  };
}

/** Keeps the scheme and a short prefix of each secret header, enough to tell tokens apart. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    masked[name] = SECRET_HEADERS.has(name.toLowerCase()) ? maskSecret(value) : value;
  }
  return masked;
}

export function maskSecret(value: string): string {
  const [scheme, secret] = value.includes(' ') ? value.split(/\s+/, 2) : [undefined, value];
  const shown = (secret ?? '').slice(0, 4);
  return `${scheme ? `${scheme} ` : ''}${shown}…(masked)`;
}

/**
 * Keeps `fbw_` and the first few characters of each webhook token in `text`, enough to tell
 * channels apart; a short token shows fewer, so most of it stays hidden.
 */
export function maskWebhookTokens(text: string): string {
  return text.replace(WEBHOOK_TOKEN, (_match, token: string) => {
    const shown = token.slice(0, Math.min(4, Math.floor(token.length / 4)));
    return `fbw_${shown}…(masked)`;
  });
}

function capBody(body: string): string {
  return body.length > MAX_LOGGED_BODY
    ? `${body.slice(0, MAX_LOGGED_BODY)}…(${body.length} characters)`
    : body;
}
