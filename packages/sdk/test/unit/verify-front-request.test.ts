import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  computeFrontSignature,
  isValidFrontRequest,
  SignatureVerificationError,
  signFrontRequest,
  verifyFrontRequest,
} from '../../src/index.ts';
import { loadSignatureVectors } from '../helpers/vectors.ts';

const SECRET = 'test-secret-3f9a';
const NOW = 1_767_225_600_000;
const BODY = '{"type":"message","payload":{"id":"msg_1"}}';

function signed(overrides: { body?: string; secret?: string; timestamp?: number } = {}) {
  return signFrontRequest({
    body: overrides.body ?? BODY,
    secret: overrides.secret ?? SECRET,
    timestamp: overrides.timestamp ?? NOW,
  });
}

function rejectsWith(code: string, options: Partial<Parameters<typeof verifyFrontRequest>[0]>) {
  return assert.rejects(
    verifyFrontRequest({ rawBody: BODY, headers: signed(), secret: SECRET, now: NOW, ...options }),
    (error: unknown) => error instanceof SignatureVerificationError && error.code === code,
  );
}

describe('verifyFrontRequest vectors', () => {
  for (const vector of loadSignatureVectors()) {
    it(`accepts the raw bytes when the body is ${vector.note}`, async () => {
      const headers = {
        'x-front-signature': vector.signature,
        'x-front-request-timestamp': vector.timestamp,
      };
      const now = Number(vector.timestamp);
      const bytes = Buffer.from(vector.body, 'utf8');
      await verifyFrontRequest({ rawBody: bytes, headers, secret: vector.secret, now });
      await verifyFrontRequest({ rawBody: vector.body, headers, secret: vector.secret, now });
      await verifyFrontRequest({
        rawBody: new Uint8Array(bytes),
        headers,
        secret: vector.secret,
        now,
      });
      assert.equal(
        computeFrontSignature(vector.secret, vector.timestamp, vector.body),
        vector.signature,
      );
    });
  }

  it('rejects a vector whose JSON was parsed and serialised again', async () => {
    const vector = loadSignatureVectors().find((entry) => entry.note.startsWith('float'));
    assert.ok(vector);
    const reserialised = JSON.stringify(JSON.parse(vector.body));
    const headers = {
      'x-front-signature': vector.signature,
      'x-front-request-timestamp': vector.timestamp,
    };
    const now = Number(vector.timestamp);
    assert.equal(
      await isValidFrontRequest({ rawBody: reserialised, headers, secret: vector.secret, now }),
      false,
    );
  });
});

describe('verifyFrontRequest negative matrix', () => {
  it('rejects with missing_header when the timestamp header is absent', () =>
    rejectsWith('missing_header', {
      headers: { 'x-front-signature': signed()['x-front-signature'] },
    }));

  it('rejects with missing_header when the signature header is absent', () =>
    rejectsWith('missing_header', { headers: { 'x-front-request-timestamp': String(NOW) } }));

  it('rejects with missing_header when the signature header is empty', () =>
    rejectsWith('missing_header', { headers: { ...signed(), 'x-front-signature': '' } }));

  it('rejects with no_matching_signature when the signature is truncated', () =>
    rejectsWith('no_matching_signature', {
      headers: { ...signed(), 'x-front-signature': signed()['x-front-signature'].slice(0, 20) },
    }));

  it('rejects with no_matching_signature when the signature is 88 characters', () =>
    rejectsWith('no_matching_signature', {
      headers: { ...signed(), 'x-front-signature': `${'A'.repeat(86)}==` },
    }));

  it('rejects with malformed_header when the signature is not base64', () =>
    rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-signature': 'sig!*not base64' },
    }));

  it('rejects with malformed_header when the signature header is doubled in a Node object', () => {
    const signature = signed()['x-front-signature'];
    return rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-signature': [signature, signature] },
    });
  });

  it('rejects with malformed_header when the signature header is doubled in Fetch Headers', () => {
    const headers = new Headers(signed());
    headers.append('x-front-signature', signed()['x-front-signature']);
    return rejectsWith('malformed_header', { headers });
  });

  it('rejects with no_matching_signature when the secret is wrong', () =>
    rejectsWith('no_matching_signature', { headers: signed({ secret: 'another-secret' }) }));

  it('rejects with no_matching_signature when no secret of a list matches', () =>
    rejectsWith('no_matching_signature', { secret: ['old-secret', 'other-secret'] }));

  it('rejects with missing_header when Fetch Headers lack the signature', () =>
    rejectsWith('missing_header', {
      headers: new Headers({ 'x-front-request-timestamp': String(NOW) }),
    }));

  it('rejects with malformed_header when a mixed-case header name is doubled', () => {
    const signature = signed()['x-front-signature'];
    return rejectsWith('malformed_header', {
      headers: {
        'X-Front-Signature': [signature, signature],
        'x-front-request-timestamp': String(NOW),
      },
    });
  });

  it('rejects with no_matching_signature when the body differs by one byte', () =>
    rejectsWith('no_matching_signature', { rawBody: `${BODY} ` }));

  it('rejects with timestamp_too_old when the timestamp is older than the window', () =>
    rejectsWith('timestamp_too_old', { headers: signed({ timestamp: NOW - 5 * 60_000 - 1 }) }));

  it('rejects with timestamp_in_future when the timestamp is ahead of the window', () =>
    rejectsWith('timestamp_in_future', { headers: signed({ timestamp: NOW + 5 * 60_000 + 1 }) }));

  it('accepts timestamps exactly at both edges of the window', async () => {
    for (const timestamp of [NOW - 300_000, NOW + 300_000]) {
      await verifyFrontRequest({
        rawBody: BODY,
        headers: signed({ timestamp }),
        secret: SECRET,
        now: NOW,
      });
    }
  });

  it('rejects with timestamp_too_old and a seconds hint when the timestamp is in seconds', async () => {
    const headers = signed({ timestamp: Math.floor(NOW / 1000) });
    await assert.rejects(
      verifyFrontRequest({ rawBody: BODY, headers, secret: SECRET, now: NOW }),
      (error: unknown) =>
        error instanceof SignatureVerificationError &&
        error.code === 'timestamp_too_old' &&
        /seconds/.test(error.message),
    );
  });

  it('rejects with malformed_header when the timestamp has trailing letters', () =>
    rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-request-timestamp': '1700000000000abc' },
    }));

  it('rejects with malformed_header when the timestamp has 17 digits', () =>
    rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-request-timestamp': '17672256000000000' },
    }));

  it('rejects with malformed_header when the timestamp is negative or fractional', async () => {
    await rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-request-timestamp': '-1' },
    });
    await rejectsWith('malformed_header', {
      headers: { ...signed(), 'x-front-request-timestamp': '1767225600000.5' },
    });
  });

  it('rejects with payload_not_raw and says what to do when given a parsed object', async () => {
    await assert.rejects(
      verifyFrontRequest({
        rawBody: JSON.parse(BODY),
        headers: signed(),
        secret: SECRET,
        now: NOW,
      }),
      (error: unknown) =>
        error instanceof SignatureVerificationError &&
        error.code === 'payload_not_raw' &&
        /raw body/.test(error.message),
    );
  });

  it('rejects a signature over undefined when the method is POST', () =>
    rejectsWith('no_matching_signature', {
      headers: signed({ body: 'undefined' }),
      method: 'POST',
    }));

  it('never puts the secret or the signature into its messages', async () => {
    const headers = signed({ secret: 'wrong' });
    const error = await verifyFrontRequest({
      rawBody: BODY,
      headers,
      secret: SECRET,
      now: NOW,
    }).catch((e) => e);
    assert.ok(error instanceof SignatureVerificationError);
    assert.ok(
      !error.message.includes(SECRET) && !error.message.includes(headers['x-front-signature']),
    );
  });
});

describe('verifyFrontRequest options', () => {
  it('throws ConfigError instead of passing everything when the clock or window is NaN', async () => {
    const stale = signed({ timestamp: 1000 });
    for (const options of [{ now: Number.NaN }, { now: NOW, toleranceMs: Number.NaN }]) {
      await assert.rejects(
        verifyFrontRequest({ rawBody: BODY, headers: stale, secret: SECRET, ...options }),
        (error: unknown) => error instanceof ConfigError,
      );
    }
  });

  it('rejects with missing_header when no headers object is given at all', () =>
    rejectsWith('missing_header', { headers: undefined as unknown as Headers }));

  it('accepts any secret of a rotation list when one matches', async () => {
    await verifyFrontRequest({
      rawBody: BODY,
      headers: signed(),
      secret: ['old-secret', SECRET],
      now: NOW,
    });
  });

  it('keeps verifying when more secrets pass through than its key cache holds', async () => {
    const many = Array.from({ length: 40 }, (_, index) => `rotated-${index}`);
    await verifyFrontRequest({
      rawBody: BODY,
      headers: signed(),
      secret: [...many, SECRET],
      now: NOW,
    });
    await verifyFrontRequest({ rawBody: BODY, headers: signed(), secret: SECRET, now: NOW });
  });

  it('accepts DELETE and GET signed over the body, or over the literal undefined when the body says nothing', async () => {
    const deleteEvent = JSON.stringify({ type: 'delete', payload: { channel_id: 'cha_1' } });
    for (const method of ['DELETE', 'get']) {
      for (const rawBody of ['', deleteEvent, Buffer.from(deleteEvent)]) {
        await verifyFrontRequest({
          rawBody,
          headers: signed({ body: 'undefined' }),
          secret: SECRET,
          now: NOW,
          method,
        });
      }
      await verifyFrontRequest({
        rawBody: BODY,
        headers: signed(),
        secret: SECRET,
        now: NOW,
        method,
      });
    }
  });

  it('refuses a body the signature over undefined does not cover (any other event, or not JSON)', async () => {
    for (const rawBody of [BODY, '{"type":"message"}', 'not json', '[]', 'null']) {
      await rejectsWith('no_matching_signature', {
        rawBody,
        headers: signed({ body: 'undefined' }),
        method: 'DELETE',
      });
    }
  });

  it('reads headers in any case from objects, Fetch Headers and get() objects', async () => {
    const upper = {
      'X-Front-Signature': signed()['x-front-signature'],
      'X-FRONT-REQUEST-TIMESTAMP': String(NOW),
    };
    const getter = { get: (name: string) => new Headers(signed()).get(name) };
    const withHole = { 'x-front-signature': undefined, ...upper, other: undefined };
    for (const headers of [upper, new Headers(signed()), getter, withHole]) {
      await verifyFrontRequest({ rawBody: BODY, headers, secret: SECRET, now: NOW });
    }
  });

  it('uses the clock and a custom window when no now is given', async () => {
    const headers = signFrontRequest({ body: BODY, secret: SECRET });
    await verifyFrontRequest({ rawBody: BODY, headers, secret: SECRET });
    await rejectsWith('timestamp_too_old', {
      headers: signed({ timestamp: NOW - 2000 }),
      toleranceMs: 1000,
    });
  });

  it('throws ConfigError when no usable secret is given', async () => {
    for (const secret of ['', [], ['', ''], [42 as unknown as string]]) {
      await assert.rejects(
        verifyFrontRequest({ rawBody: BODY, headers: signed(), secret, now: NOW }),
        (error: unknown) => error instanceof ConfigError && error.code === 'config_error',
      );
    }
  });
});

describe('isValidFrontRequest', () => {
  it('returns true when the signature matches', async () => {
    assert.equal(
      await isValidFrontRequest({ rawBody: BODY, headers: signed(), secret: SECRET, now: NOW }),
      true,
    );
  });

  it('returns false when verification fails', async () => {
    assert.equal(
      await isValidFrontRequest({ rawBody: BODY, headers: {}, secret: SECRET, now: NOW }),
      false,
    );
  });

  it('rethrows ConfigError when the secret is missing', async () => {
    await assert.rejects(
      isValidFrontRequest({ rawBody: BODY, headers: signed(), secret: '', now: NOW }),
      (error: unknown) => error instanceof ConfigError,
    );
  });
});
