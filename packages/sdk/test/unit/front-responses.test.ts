import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  buildAuthorizationResponse,
  buildBadRequestResponse,
  buildMessageResponse,
  ConfigError,
  createChannelToken,
  ValidationError,
} from '../../src/index.ts';

const isValidation = (error: unknown) =>
  error instanceof ValidationError && error.code === 'validation_error';

describe('response builders', () => {
  it('build the bodies Front expects', () => {
    assert.deepEqual(buildAuthorizationResponse('https://chan.example/front/1'), {
      type: 'success',
      webhook_url: 'https://chan.example/front/1',
    });
    assert.deepEqual(buildMessageResponse({ externalId: 'e', externalConversationId: 'c' }), {
      type: 'success',
      external_id: 'e',
      external_conversation_id: 'c',
    });
    assert.deepEqual(buildBadRequestResponse('nope'), { type: 'bad_request', message: 'nope' });
  });

  it('throw ValidationError for relative or non-http webhook URLs and bad ids', () => {
    assert.throws(() => buildAuthorizationResponse('/front/1'), isValidation);
    assert.throws(() => buildAuthorizationResponse('ftp://chan.example/'), isValidation);
    assert.throws(
      () => buildMessageResponse({ externalId: '', externalConversationId: 'c' }),
      isValidation,
    );
    assert.throws(
      () => buildMessageResponse({ externalId: 'e', externalConversationId: 'x'.repeat(201) }),
      isValidation,
    );
  });
});

describe('createChannelToken', () => {
  it('mints an HS256 JWT with iss, sub, a random jti and exp in whole seconds', async () => {
    const now = 1_767_225_600_900;
    const token = await createChannelToken({
      appUid: 'app_1',
      appSecret: 's',
      channelId: 'cha_1',
      now,
    });
    const other = await createChannelToken({
      appUid: 'app_1',
      appSecret: 's',
      channelId: 'cha_1',
      now,
    });
    const claims = decodeJwt(token);
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', typ: 'JWT' });
    assert.equal(claims.iss, 'app_1');
    assert.equal(claims.sub, 'cha_1');
    assert.equal(claims.exp, 1_767_225_600 + 20);
    assert.notEqual(claims.jti, decodeJwt(other).jti);
  });

  it('throws ConfigError for empty fields and lifetimes outside 1–30 s', async () => {
    const base = { appUid: 'a', appSecret: 's', channelId: 'c' };
    for (const options of [
      { ...base, appUid: '' },
      { ...base, ttlSeconds: 31 },
      { ...base, ttlSeconds: 0 },
      { ...base, ttlSeconds: 2.5 },
    ]) {
      await assert.rejects(
        createChannelToken(options),
        (error: unknown) => error instanceof ConfigError,
      );
    }
  });
});
