import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startExpressExample } from '../../examples/express.ts';
import { startFastifyExample } from '../../examples/fastify.ts';
import { startHonoExample } from '../../examples/hono.ts';
import { runNodeHttpExample } from '../../examples/node-http-channel.ts';
import {
  buildAuthorizationEvent,
  buildDeleteEvent,
  buildMessageEvent,
  signForTesting,
} from '../../src/testing.ts';

const SECRET = 'example-secret';
const EXAMPLES = {
  express: startExpressExample,
  fastify: startFastifyExample,
  hono: startHonoExample,
};

async function send(
  url: string,
  event: unknown,
  options: { secret?: string; method?: string } = {},
) {
  const { body, headers } = signForTesting({ body: event, secret: options.secret ?? SECRET });
  return fetch(`${url}/front`, { method: options.method ?? 'POST', body, headers });
}

for (const [name, start] of Object.entries(EXAMPLES)) {
  describe(`${name} example`, () => {
    it('keeps the raw body so signed events verify and get their answers', async () => {
      const example = await start({ secret: SECRET });
      try {
        const authorization = await send(example.url, buildAuthorizationEvent());
        assert.equal(authorization.status, 200);
        assert.deepEqual(await authorization.json(), {
          type: 'success',
          webhook_url: 'https://chan.example.com/front/cha_4kx9p',
        });

        // Pretty-printed with an escaped slash: re-serialising would break the signature.
        const pretty = JSON.stringify(buildMessageEvent(), null, 2).replace(
          '"Your order',
          '"Your\\/order',
        );
        const message = await send(example.url, pretty);
        assert.equal(message.status, 200);
        assert.equal(
          ((await message.json()) as { external_conversation_id: string }).external_conversation_id,
          '+15551230000',
        );

        const deleted = await send(example.url, buildDeleteEvent(), { method: 'DELETE' });
        assert.equal(deleted.status, 200);
      } finally {
        await example.close();
      }
    });

    it('answers 401 to a bad signature', async () => {
      const example = await start({ secret: SECRET });
      try {
        const response = await send(example.url, buildMessageEvent(), { secret: 'not-the-secret' });
        assert.equal(response.status, 401);
        assert.deepEqual(await response.json(), { error: 'invalid_signature' });
      } finally {
        await example.close();
      }
    });
  });
}

describe('node-http-channel example', () => {
  it('answers signed events and syncs an inbound message on loopback', async () => {
    const lines: string[] = [];
    await runNodeHttpExample((line) => lines.push(line));
    assert.match(lines[1] ?? '', /^authorization -> 200 \{"type":"success","webhook_url":/);
    assert.match(lines[2] ?? '', /^message -> 200 \{"type":"success","external_id":"demo-/);
    assert.equal(lines[3], 'syncInboundMessage -> accepted uid_example_1');
  });
});
