import assert from 'node:assert/strict';
import { buildAuthorizationEvent, buildMessageEvent } from '@frontbridge/sdk/testing';
import {
  hostileBody,
  hostileHeaderValue,
  hostileMultipart,
  hostilePath,
  type Rng,
} from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { type FuzzRequest, type FuzzTarget, runFuzz, signedHeaders } from './fuzz-target.ts';

function webhookPath(target: FuzzTarget, rng: Rng): string {
  const token = new URL(target.harness.webhookUrl).pathname.split('/').pop() ?? '';
  return rng.pick([
    '/front',
    `/front/channels/${token}`,
    `/front/channels/${token}`,
    `/front/channels/${token}x`,
    `/front/channels${hostilePath(rng)}`,
  ]);
}

function webhookRequest(target: FuzzTarget, rng: Rng): FuzzRequest {
  const valid = rng.chance(0.5)
    ? buildMessageEvent({ payload: { id: `msg_${rng.int(1e9)}` } })
    : buildAuthorizationEvent({ payload: { channel_id: target.harness.channelId } });
  const body = hostileBody(rng, valid);
  const headers = rng.chance(0.7) ? signedHeaders(body) : { 'content-type': 'application/json' };
  if (rng.chance(0.2)) headers['x-front-signature'] = hostileHeaderValue(rng);
  if (rng.chance(0.2)) headers['content-type'] = hostileHeaderValue(rng) || 'text/plain';
  if (rng.chance(0.3)) headers.authorization = `Bearer ${target.harness.account.channel_token}`;
  return {
    method: rng.pick(['POST', 'POST', 'DELETE']),
    path: webhookPath(target, rng),
    headers,
    body,
  };
}

/** Webhook routes (`/front`, `/front/channels/:token`): hostile bodies, signed and not. */
export async function fuzzWebhookRoutes(target: FuzzTarget, runs: number) {
  const tally = await runFuzz(target, {
    surface: 'webhook routes',
    runs,
    generate: (rng) => webhookRequest(target, rng),
  });
  assert.ok((tally.statuses.get(401) ?? 0) > 0, 'some requests were refused as unsigned');
  assert.ok((tally.statuses.get(400) ?? 0) > 0, 'some signed requests were refused as malformed');
  return tally;
}

function validApiMessage(target: FuzzTarget, rng: Rng) {
  return {
    channel_id: target.harness.channelId,
    direction: 'inbound',
    external_id: `ext-${rng.int(1e9)}`,
    from: '+15551230000',
    body: 'hello',
  };
}

function apiRequest(target: FuzzTarget, rng: Rng): FuzzRequest {
  const headers: Record<string, string> = {
    authorization: rng.chance(0.8)
      ? `Bearer ${target.harness.account.api_key}`
      : hostileHeaderValue(rng),
    'content-type': 'application/json',
  };
  if (rng.chance(0.1)) {
    return {
      method: 'GET',
      path: `/api/v1/messages${hostilePath(rng)}`,
      headers: { authorization: headers.authorization ?? '' },
    };
  }
  if (rng.chance(0.3)) {
    const { body, contentType } = hostileMultipart(rng);
    return {
      method: 'POST',
      path: '/api/v1/messages',
      headers: { ...headers, 'content-type': contentType },
      body,
    };
  }
  if (rng.chance(0.05)) headers['content-type'] = hostileHeaderValue(rng) || 'text/plain';
  return {
    method: 'POST',
    path: '/api/v1/messages',
    headers,
    body: hostileBody(rng, validApiMessage(target, rng)),
  };
}

/** The REST API (`/api/v1/messages`): hostile JSON and multipart, bad keys, odd paths. */
export async function fuzzRestApi(target: FuzzTarget, runs: number) {
  const tally = await runFuzz(target, {
    surface: 'REST API',
    runs,
    generate: (rng) => apiRequest(target, rng),
  });
  assert.ok((tally.statuses.get(401) ?? 0) > 0, 'some requests were refused for their key');
  assert.ok((tally.statuses.get(400) ?? 0) > 0, 'some requests were refused as malformed');
  return tally;
}
