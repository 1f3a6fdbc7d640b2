import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { computeFrontSignature, createChannelToken } from '@frontbridge/sdk';
import express from 'express';
import { startEmulator } from '../../src/index.ts';

const SECRET = 'express-secret';

// The way Front's template (and many tutorials) check signatures: parse the JSON first, then sign
// `JSON.stringify(req.body)`. It only works if the sender's bytes are exactly that serialisation.
function startNaiveChannel() {
  const verdicts: { type: string; method: string; valid: boolean }[] = [];
  const app = express();
  app.use(express.json());
  app.all('/{*path}', (req, res) => {
    const timestamp = String(req.headers['x-front-request-timestamp']);
    const expected = computeFrontSignature(SECRET, timestamp, JSON.stringify(req.body));
    const undefinedForm = computeFrontSignature(SECRET, timestamp, 'undefined');
    const received = req.headers['x-front-signature'];
    const valid = received === expected || (req.method === 'DELETE' && received === undefinedForm);
    verdicts.push({ type: req.body?.type, method: req.method, valid });
    if (req.body?.type === 'authorization') {
      res.json({ type: 'success', webhook_url: `http://127.0.0.1:${port()}/front/hook` });
    } else if (req.body?.type === 'message' || req.body?.type === 'message_autoreply') {
      res.json({
        type: 'success',
        external_id: `x-${verdicts.length}`,
        external_conversation_id: 'conv/ü',
      });
    } else {
      res.json({});
    }
  });
  const server: Server = app.listen(0, '127.0.0.1');
  const port = () => (server.address() as AddressInfo).port;
  return { server, port, verdicts };
}

describe('a channel that verifies re-serialised JSON', () => {
  for (const mode of ['body', 'undefined'] as const) {
    it(`verifies every emulator request when the delete signature mode is ${mode}`, async () => {
      const naive = startNaiveChannel();
      await once(naive.server, 'listening');
      const emu = await startEmulator({
        appSecret: SECRET,
        deleteSignatureMode: mode,
        channelUrl: `http://127.0.0.1:${naive.port()}/`,
      });
      try {
        const control = (path: string, method: string, body?: unknown) =>
          fetch(`${emu.url}${path}`, {
            method,
            ...(body
              ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
              : {}),
          });
        const { channel_id: channelId } = await (
          await control('/_emulator/channels', 'POST', { token: 'tok' })
        ).json();
        const text = 'Ünïcode ✓ "quotes" </script> \\ back\u2028slash 😀';
        await control(`/_emulator/channels/${channelId}/messages`, 'POST', {
          to: ['+15551230000'],
          text,
          subject: 'a/b',
        });
        await control(`/_emulator/channels/${channelId}/autoreplies`, 'POST', {
          to: ['+15551230000'],
          text,
        });
        const token = await createChannelToken({
          appUid: 'frontbridge-dev',
          appSecret: SECRET,
          channelId,
        });
        await fetch(`${emu.apiUrl}/channels/${channelId}/inbound_messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            sender: { handle: 'dana' },
            body: text,
            metadata: { external_id: 'e/1', external_conversation_id: 'conv/ü' },
          }),
        });
        await emu.settled();
        await control(`/_emulator/channels/${channelId}`, 'DELETE');

        assert.deepEqual(
          naive.verdicts.map((v) => v.type),
          ['authorization', 'message', 'message_autoreply', 'message_imported', 'delete'],
        );
        assert.deepEqual(
          naive.verdicts.filter((v) => !v.valid),
          [],
        );
      } finally {
        await emu.close();
        naive.server.closeAllConnections();
        naive.server.close();
      }
    });
  }
});
