// Lone UTF-16 surrogates cannot be UTF-8 encoded (encodeURIComponent throws on them).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Anything a quoted-string cannot carry as is: non-ASCII, controls, the quote and the backslash.
const NOT_PLAIN_ASCII = /[^\x20-\x7E]|["\\]/gu;

/**
 * An `attachment` Content-Disposition for any file name, per RFC 6266: an ASCII `filename` for old
 * clients (one `_` per character it cannot hold) and the exact name as UTF-8 in `filename*`
 * (RFC 8187 encoding). Node refuses header values above U+00FF, so the name never goes in raw.
 */
export function attachmentDisposition(filename: string): string {
  const name = filename.replace(LONE_SURROGATE, '\uFFFD');
  const fallback = name.replace(NOT_PLAIN_ASCII, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

// encodeURIComponent leaves `'()*` alone, but they are not attr-chars in RFC 8187.
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
