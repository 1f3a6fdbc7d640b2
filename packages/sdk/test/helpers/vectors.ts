import { readFileSync } from 'node:fs';

/** One known-answer vector from `test-vectors/front-signatures.json`. */
export interface SignatureVector {
  note: string;
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
}

/** Loads the shared signature vectors (computed with Python's hmac, not with our code). */
export function loadSignatureVectors(): SignatureVector[] {
  const url = new URL('../../../../test-vectors/front-signatures.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { vectors: SignatureVector[] }).vectors;
}
