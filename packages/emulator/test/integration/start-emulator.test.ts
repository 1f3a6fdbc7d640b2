import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEmulatorApp, startEmulator } from '../../src/index.ts';

describe('startEmulator', () => {
  it('listens on a free loopback port with the documented defaults when given no options', async () => {
    const emu = await startEmulator();
    try {
      const info = await (await fetch(`${emu.url}/_emulator/info`)).json();
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emu.apiUrl, emu.url);
      assert.equal(info.app_uid, 'frontbridge-dev');
      assert.equal(info.response_deadline_ms, 7000);
      assert.deepEqual(info.rate_limit, { perChannelPerSecond: 5, perMinute: 600 });
    } finally {
      await emu.close();
    }
  });

  it('streams a change event and still closes when an event stream is open', async () => {
    const emu = await startEmulator();
    const response = await fetch(`${emu.url}/_emulator/events`);
    const reader = response.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let received = '';
    emu.context.events.emit('change', { kind: 'probe' });
    while (!received.includes('"probe"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value);
    }

    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.match(received, /event: change\ndata: \{"kind":"probe"\}/);
    await emu.close();
  });

  it('answers injected requests when the app is built without listening', async () => {
    const { app } = await createEmulatorApp({ appUid: 'injected' });
    try {
      const response = await app.inject({ method: 'GET', url: '/_emulator/info' });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().app_uid, 'injected');
    } finally {
      await app.close();
    }
  });
});
