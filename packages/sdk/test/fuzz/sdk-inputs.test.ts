import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseFrontEvent,
  SignatureVerificationError,
  signFrontRequest,
  ValidationError,
  verifyFrontRequest,
} from '../../src/index.ts';
import {
  buildAuthorizationEvent,
  buildAutoReplyEvent,
  buildDeleteEvent,
  buildMessageEvent,
  buildMessageImportedEvent,
} from '../../src/testing.ts';
import {
  assertHeapBackToBaseline,
  createRng,
  fuzzRuns,
  fuzzSeed,
  hostileBody,
  hostileHeaderValue,
  hostileString,
  type Rng,
  settledHeapBytes,
} from './hostile-inputs.ts';

// In-process and fast: the normal suite runs the full 10,000 cases per surface.
const RUNS = fuzzRuns(10_000);
const SECRET = 'fuzz-secret';
const NOW = 1_760_000_000_000;
const SIGNATURE_CODES = new Set([
  'missing_header',
  'malformed_header',
  'timestamp_too_old',
  'timestamp_in_future',
  'no_matching_signature',
  'payload_not_raw',
]);
const VALID_EVENTS = [
  buildMessageEvent(),
  buildAutoReplyEvent(),
  buildMessageImportedEvent(),
  buildAuthorizationEvent(),
  buildDeleteEvent(),
];

/** Headers for one case: a real signature of the valid body, then some of it spoiled. */
function hostileHeaders(rng: Rng, body: Buffer): Record<string, string | string[]> {
  const signed = signFrontRequest({
    body: JSON.stringify(VALID_EVENTS[0]),
    secret: SECRET,
    timestamp: NOW,
  });
  const headers: Record<string, string | string[]> = { ...signed };
  if (rng.chance(0.3)) headers['x-front-signature'] = hostileHeaderValue(rng);
  if (rng.chance(0.3)) headers['x-front-request-timestamp'] = hostileHeaderValue(rng);
  if (rng.chance(0.1)) headers['x-front-signature'] = [signed['x-front-signature'], 'AAAA'];
  if (rng.chance(0.1)) delete headers[rng.pick(['x-front-signature', 'x-front-request-timestamp'])];
  if (rng.chance(0.2)) {
    // A correct signature of the hostile body itself: verification passes, the bytes stay hostile.
    Object.assign(headers, signFrontRequest({ body, secret: SECRET, timestamp: NOW }));
  }
  return headers;
}

async function verifyOutcome(rng: Rng): Promise<string> {
  const body = hostileBody(rng, rng.pick(VALID_EVENTS));
  const rawBody = rng.chance(0.05) ? (JSON.parse('{"a":1}') as unknown as Buffer) : body;
  try {
    await verifyFrontRequest({
      rawBody,
      headers: hostileHeaders(rng, body),
      secret: rng.chance(0.1) ? [hostileString(rng) || 'x', SECRET] : SECRET,
      method: rng.pick(['POST', 'DELETE', 'GET', 'post']),
      now: NOW,
    });
    return 'verified';
  } catch (error) {
    assert.ok(error instanceof SignatureVerificationError, `unexpected ${String(error)}`);
    assert.ok(SIGNATURE_CODES.has(error.code), `unexpected code ${error.code}`);
    return error.code;
  }
}

function parseOutcome(rng: Rng): string {
  const body = hostileBody(rng, rng.pick(VALID_EVENTS));
  try {
    const input = rng.chance(0.5) ? body : body.toString('utf8');
    return parseFrontEvent(input).type;
  } catch (error) {
    assert.ok(error instanceof ValidationError, `unexpected ${String(error)}`);
    return 'rejected';
  }
}

function count(tally: Map<string, number>, key: string) {
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

describe('fuzz: verifyFrontRequest', () => {
  it('rejects every hostile request with a typed code and never throws anything else', async () => {
    const rng = createRng(fuzzSeed('verifyFrontRequest'));
    const before = settledHeapBytes();
    const tally = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) count(tally, await verifyOutcome(rng));
    const grown = assertHeapBackToBaseline(before, 'verifyFrontRequest');
    process.stdout.write(
      `# verifyFrontRequest outcomes ${JSON.stringify([...tally])}, heap Δ ${grown} B\n`,
    );
    assert.ok((tally.get('no_matching_signature') ?? 0) > 0, 'the fuzzer reached the HMAC check');
    assert.ok((tally.get('malformed_header') ?? 0) > 0, 'the fuzzer reached header parsing');
  });
});

describe('fuzz: parseFrontEvent', () => {
  it('returns an event or a ValidationError for every hostile body, never a crash', () => {
    const rng = createRng(fuzzSeed('parseFrontEvent'));
    const tally = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) count(tally, parseOutcome(rng));
    process.stdout.write(`# parseFrontEvent outcomes ${JSON.stringify([...tally])}\n`);
    assert.ok((tally.get('rejected') ?? 0) > 0);
    assert.ok((tally.get('message') ?? 0) + (tally.get('unknown') ?? 0) > 0);
  });

  it('never lets a __proto__ key in an event pollute Object.prototype', () => {
    assert.throws(
      () => parseFrontEvent('{"type":"message","__proto__":{"polluted":true},"payload":{}}'),
      ValidationError,
    );
    parseFrontEvent('{"type":"novel","__proto__":{"polluted":true}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
