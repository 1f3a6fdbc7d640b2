// A whole channel on plain node:http, run end to end on loopback:
//   1. the channel's webhook server (createNodeMiddleware) answers signed Front events;
//   2. ChannelApiClient syncs an inbound message to a stand-in for Front's API.
// Run it with `npm run example -w @frontbridge/sdk`. Nothing leaves 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { ChannelApiClient, createNodeMiddleware } from '@frontbridge/sdk';
import {
  buildAuthorizationEvent,
  buildMessageEvent,
  signForTesting,
} from '@frontbridge/sdk/testing';
import { createDemoHandler } from './demo-handler.ts';

const APP_SECRET = process.env.FRONT_APP_SECRET ?? 'example-app-secret';

/** Runs the demo and returns what it printed, line by line. */
export async function runNodeHttpExample(log: (line: string) => void = console.log): Promise<void> {
  const channel = await listen(
    createServer(
      createNodeMiddleware(
        createDemoHandler({ secret: APP_SECRET, publicUrl: 'https://chan.example.com' }),
      ),
    ),
  );
  const front = await listen(createServer(fakeFrontApi));
  try {
    log(`channel webhook listening at ${channel.url}`);
    for (const event of [buildAuthorizationEvent(), buildMessageEvent()]) {
      const { body, headers } = signForTesting({ body: event, secret: APP_SECRET });
      const response = await fetch(`${channel.url}/front`, { method: 'POST', body, headers });
      log(`${event.type} -> ${response.status} ${await response.text()}`);
    }

    const client = new ChannelApiClient({
      appUid: 'app_example',
      appSecret: APP_SECRET,
      baseUrl: front.url,
    });
    const result = await client.syncInboundMessage(
      'cha_4kx9p',
      {
        sender: { handle: '+15551230000', name: 'Dana Ortiz' },
        body: 'Hi, where is my parcel?',
        metadata: { external_id: 'sms-88190', external_conversation_id: '+15551230000' },
      },
      { phoneHandles: true },
    );
    log(`syncInboundMessage -> ${result.status} ${result.message_uid}`);
  } finally {
    await Promise.all([channel.close(), front.close()]);
  }
}

// Stands in for api2.frontapp.com: accepts any sync call with a bearer token.
function fakeFrontApi(
  request: import('node:http').IncomingMessage,
  response: import('node:http').ServerResponse,
) {
  request.resume();
  request.on('end', () => {
    const authorized = request.headers.authorization?.startsWith('Bearer ') ?? false;
    response.writeHead(authorized ? 202 : 401, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        authorized
          ? { status: 'accepted', message_uid: 'uid_example_1' }
          : { _error: { status: 401 } },
      ),
    );
  });
}

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runNodeHttpExample();
}
