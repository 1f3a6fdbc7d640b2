import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '@frontbridge/sdk';
import {
  assertDeliverUrlAllowed,
  DeliverUrlRefusedError,
  isNonPublicAddress,
} from '../../src/connectors/deliver-url-policy.ts';
import { createAccount, createHttpConnector, loadConfig, openStore } from '../../src/index.ts';
import { testEnv } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';

const STRICT = { allowPrivate: false, allowList: [] };
// Literal addresses in these URLs are never connected to: the policy refuses before any socket.
const REFUSED_URLS = [
  'http://127.0.0.1:9/hook',
  'http://localhost:9/hook',
  'http://[::1]:9/hook',
  'http://[::ffff:127.0.0.1]:9/hook',
  'http://[::ffff:7f00:1]:9/hook',
  'http://10.1.2.3/hook',
  'http://172.20.0.1/hook',
  'http://192.168.1.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/',
  'http://[fe80::1]/',
  'http://0.0.0.0:9/',
  'http://100.64.0.1/',
  'http://2130706433/',
  'http://0x7f.1/',
];

describe('deliver URL policy', () => {
  it('refuses loopback, private, link-local and metadata targets when strict', async () => {
    for (const url of REFUSED_URLS) {
      await assert.rejects(assertDeliverUrlAllowed(url, STRICT), DeliverUrlRefusedError, url);
    }
  });

  it('allows a public address and refuses a name that resolves to a private one', async () => {
    const lookup = async (host: string) =>
      host === 'rebound.example' ? ['127.0.0.1'] : ['93.184.215.14'];
    await assertDeliverUrlAllowed('https://public.example/hook', STRICT, lookup);
    await assert.rejects(
      assertDeliverUrlAllowed('https://rebound.example/hook', STRICT, lookup),
      DeliverUrlRefusedError,
    );
    const mixed = async () => ['93.184.215.14', '10.0.0.5'];
    await assert.rejects(
      assertDeliverUrlAllowed('https://two.example/', STRICT, mixed),
      DeliverUrlRefusedError,
    );
  });

  it('allows private targets in development, with the flag, or when allow-listed', async () => {
    const dev = loadConfig(testEnv(), { mode: 'development' }).deliverUrlPolicy;
    await assertDeliverUrlAllowed('http://127.0.0.1:9/', dev);
    const prod = loadConfig(testEnv(), { mode: 'production' }).deliverUrlPolicy;
    await assert.rejects(
      assertDeliverUrlAllowed('http://127.0.0.1:9/', prod),
      DeliverUrlRefusedError,
    );
    const flagged = loadConfig(testEnv({ DELIVER_URL_ALLOW_PRIVATE: 'true' })).deliverUrlPolicy;
    await assertDeliverUrlAllowed('http://127.0.0.1:9/', flagged);
    const listed = loadConfig(
      testEnv({ DELIVER_URL_ALLOW_LIST: 'localhost, 10.0.0.0/8' }),
    ).deliverUrlPolicy;
    await assertDeliverUrlAllowed('http://localhost:9/', listed);
    await assertDeliverUrlAllowed('http://10.9.8.7/', listed);
    await assert.rejects(
      assertDeliverUrlAllowed('http://192.168.0.1/', listed),
      DeliverUrlRefusedError,
    );
  });

  it('rejects a malformed DELIVER_URL_ALLOW_PRIVATE value', () => {
    assert.throws(
      () => loadConfig(testEnv({ DELIVER_URL_ALLOW_PRIVATE: 'yes' })),
      /DELIVER_URL_ALLOW_PRIVATE/,
    );
  });

  it('classifies public addresses as public', () => {
    for (const address of ['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isNonPublicAddress(address), false, address);
    }
  });
});

describe('deliver URL policy wiring', () => {
  it('refuses a private deliver URL at account creation under the production policy', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const policy = loadConfig(testEnv(), { mode: 'production' }).deliverUrlPolicy;
      await assert.rejects(
        createAccount(
          store,
          { name: 'evil', deliverUrl: 'http://169.254.169.254/' },
          { deliverUrlPolicy: policy },
        ),
        (error: unknown) => error instanceof ValidationError && error.code === 'validation_error',
      );
      const ok = await createAccount(
        store,
        { name: 'fine', deliverUrl: 'https://hooks.example/' },
        { deliverUrlPolicy: policy, lookup: async () => ['93.184.215.14'] },
      );
      assert.ok(ok.account_id);
    } finally {
      await store.close();
    }
  });

  it('fails a delivery before connecting when the name resolves to loopback at delivery time', async () => {
    const receiver = await startReceiver();
    try {
      const connector = createHttpConnector({
        urlPolicy: STRICT,
        lookup: async () => ['127.0.0.1'],
      });
      const port = new URL(receiver.url).port;
      const outcome = await connector.deliver(
        { id: 'dlv_1', attempt: 1, payload: {} as never },
        deliveryContext(`http://rebound.example:${port}/hook`),
      );
      assert.equal(outcome.outcome, 'failed');
      assert.match((outcome as { reason: string }).reason, /private, loopback/);
      assert.equal(receiver.hits, 0);
    } finally {
      await receiver.close();
    }
  });

  it('connects to the address it checked, so DNS rebinding after the check is ignored', async () => {
    const receiver = await startReceiver();
    try {
      // 127.0.0.1 stands in for a public address: allow-listed by address, not by name. The
      // second answer re-points the name at an address the policy refuses; an attempt that
      // resolved again before connecting would fail, or (without a policy) reach elsewhere.
      const answers = [['127.0.0.1'], ['10.0.0.1']];
      const asked: string[] = [];
      const connector = createHttpConnector({
        urlPolicy: { allowPrivate: false, allowList: ['127.0.0.1/32'] },
        lookup: async (host) => {
          asked.push(host);
          return answers.shift() ?? ['10.0.0.1'];
        },
      });
      const port = new URL(receiver.url).port;
      const outcome = await connector.deliver(
        { id: 'dlv_2', attempt: 1, payload: { text: 'x' } as never },
        deliveryContext(`http://rebind.invalid:${port}/hook`),
      );
      assert.deepEqual(outcome, { outcome: 'delivered' });
      assert.deepEqual(asked, ['rebind.invalid']);
      assert.equal(receiver.received[0]?.headers.host, `rebind.invalid:${port}`);

      // The next attempt checks again, sees the new answer and refuses before connecting.
      const second = await connector.deliver(
        { id: 'dlv_3', attempt: 1, payload: {} as never },
        deliveryContext(`http://rebind.invalid:${port}/hook`),
      );
      assert.equal(second.outcome, 'failed');
      assert.equal(receiver.hits, 1);
    } finally {
      await receiver.close();
    }
  });
});

function deliveryContext(deliverUrl: string) {
  return {
    account: { id: 'acc', name: 'a', deliverUrl, signingSecret: 'whsec_AAAA' },
    fetch: () => Promise.reject(new Error('the http connector does not use fetch')),
    now: () => Date.now(),
    timeoutMs: 1000,
  };
}
