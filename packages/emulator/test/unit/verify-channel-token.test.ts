import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { FrontHttpError } from '../../src/front-error.ts';
import { verifyChannelToken } from '../../src/verify-channel-token.ts';

const NOW = 1_767_225_600_000;
const secret = 'unit-secret';

const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

describe('verifyChannelToken', () => {
  it('accepts a numeric iss when it matches a numeric app UID', async () => {
    const token = await sign({ iss: 142, sub: 'cha_1', jti: 'a', exp: NOW / 1000 + 5 });
    const claims = await verifyChannelToken({
      authorization: `Bearer ${token}`,
      appUid: '142',
      appSecret: secret,
      now: NOW,
      usedJtis: new Map(),
    });
    assert.equal(claims.channelId, 'cha_1');
  });

  it('forgets a jti once its token has expired', async () => {
    const usedJtis = new Map([['old', NOW / 1000 - 60]]);
    const token = await sign({ iss: 'app', sub: 'cha_1', jti: 'old', exp: NOW / 1000 + 5 });
    await verifyChannelToken({
      authorization: `Bearer ${token}`,
      appUid: 'app',
      appSecret: secret,
      now: NOW,
      usedJtis,
    });
    assert.equal(usedJtis.get('old'), NOW / 1000 + 10);
  });

  it('throws a 401 FrontHttpError when sub is missing', async () => {
    const token = await sign({ iss: 'app', jti: 'b', exp: NOW / 1000 + 5 });
    await assert.rejects(
      verifyChannelToken({
        authorization: `Bearer ${token}`,
        appUid: 'app',
        appSecret: secret,
        now: NOW,
        usedJtis: new Map(),
      }),
      (error: unknown) =>
        error instanceof FrontHttpError && error.status === 401 && /sub/.test(error.message),
    );
  });
});
