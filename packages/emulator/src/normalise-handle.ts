import { parsePhoneNumberFromString } from 'libphonenumber-js';

const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;
const MIN_PHONE_DIGITS = 7;

/**
 * The key Front files a contact under. Phone-looking handles become E.164, and a number without `+`
 * is read as a US number, as Front documents; every other handle is kept as sent (trimmed), since
 * Front treats handles as opaque strings.
 */
export function normaliseHandle(handle: string): string {
  const trimmed = handle.trim();
  if (!PHONE_CHARACTERS.test(trimmed)) return trimmed;
  if (trimmed.replace(/\D/g, '').length < MIN_PHONE_DIGITS) return trimmed;

  const phone = parsePhoneNumberFromString(trimmed, trimmed.startsWith('+') ? undefined : 'US');
  return phone?.isPossible() ? phone.number : trimmed;
}
