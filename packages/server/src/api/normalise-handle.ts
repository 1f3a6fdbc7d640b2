import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import { HttpError } from '../http/http-error.ts';

// Messaging providers prefix handles with their transport; the number behind it is the contact.
const TRANSPORT_PREFIX = /^(whatsapp|sms|tel|mms|viber|signal):/i;
const PHONE_LIKE = /^\+?[\d\s().-]*\d[\d\s().-]*$/;
// C0 and C1 controls, text-direction overrides and isolates (a handle shown reversed to a teammate),
// and lone surrogates (not text: the database would store them as replacement characters, so a
// retried request would no longer match what was stored).
const UNSAFE_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// A handle becomes the thread's external_conversation_id, which Front caps at 200 characters.
const MAX_HANDLE_LENGTH = 200;

/**
 * Normalises a contact handle. Anything that looks like a phone number becomes E.164 or is
 * rejected with a 400 that names `field`, never guessed; other handles (emails, user names) are
 * kept as they are, trimmed.
 *
 * A number without `+` is read in `defaultRegion` first and, if impossible there, as an
 * international number without its plus (so `447700900123` is `+447700900123` in a US setup).
 */
export function normaliseHandle(value: string, field: string, defaultRegion: string): string {
  const trimmed = value.trim();
  if (UNSAFE_CHARACTERS.test(trimmed) || trimmed.length > MAX_HANDLE_LENGTH) {
    throw new HttpError(
      400,
      'invalid_handle',
      `${field} must be at most ${MAX_HANDLE_LENGTH} characters of text without control characters.`,
    );
  }
  const stripped = trimmed.replace(TRANSPORT_PREFIX, '');
  if (!PHONE_LIKE.test(stripped)) {
    if (!trimmed) throw new HttpError(400, 'invalid_handle', `${field} must not be empty.`);
    return trimmed;
  }

  const candidates = stripped.startsWith('+')
    ? [parsePhoneNumberFromString(stripped)]
    : [
        parsePhoneNumberFromString(stripped, defaultRegion as CountryCode),
        parsePhoneNumberFromString(`+${stripped.replace(/\D/g, '')}`),
      ];
  // "Possible" (a plausible length for the country) rather than "valid": fictional ranges such as
  // +1 555 01xx or +44 7700 900xxx are used in tests and demos and must pass.
  const phone = candidates.find((candidate) => candidate?.isPossible());
  if (!phone) {
    throw new HttpError(
      400,
      'invalid_handle',
      `${field} is not a phone number that can be written in E.164 (add the country code).`,
    );
  }
  return phone.number;
}
