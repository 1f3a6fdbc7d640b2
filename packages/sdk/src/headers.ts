/** Request headers as a Fetch `Headers` or a plain object whose names may be in any case. */
export type HeaderInput =
  | Headers
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

/**
 * Reads one header. Repeated headers (an array, as Node gives them) are joined with `, `, the way
 * Fetch joins them, so a doubled header never passes as a single value.
 */
export function getHeader(headers: HeaderInput, name: string): string | undefined {
  // Callers pass whatever their framework gave them; no headers at all reads as a missing header.
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  // Node gives lower-case names, as callers pass them: look the name up as given first, and scan
  // for other spellings only when that misses.
  const direct = (headers as Record<string, string | string[] | undefined>)[name];
  if (direct !== undefined) return Array.isArray(direct) ? direct.join(', ') : String(direct);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}
