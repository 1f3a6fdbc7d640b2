const SECONDS_PATTERN = /^\d+(\.\d+)?$/;
// IMF-fixdate and the two obsolete forms all start with a day name and carry hh:mm:ss; anything
// else is refused rather than handed to Date.parse, which reads `-3` as the year -3.
const HTTP_DATE_PATTERN = /^[A-Za-z]{3,9},? .*\b\d{2}:\d{2}:\d{2}\b/;

/**
 * Reads a `Retry-After` header (RFC 9110 section 10.2.3) as a wait in milliseconds: either
 * delay-seconds (`2` means 2000 ms) or an HTTP date, measured against `now`. A date in the past
 * means "now" (0). Returns `undefined` when the header is absent or unreadable, so the caller falls
 * back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;

  // Front documents seconds; fractions are not in the RFC but cost nothing to accept.
  if (SECONDS_PATTERN.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);

  const date = HTTP_DATE_PATTERN.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
