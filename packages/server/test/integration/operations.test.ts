import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { createLogger, startServer } from '../../src/index.ts';
import { control, startHarness, waitFor } from '../helpers/harness.ts';

describe('operations routes', () => {
  it('answers health, readiness and Prometheus metrics', async () => {
    const harness = await startHarness();
    try {
      await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15551230000'],
        text: 'x',
      });
      await waitFor(() => harness.receiver.received.length === 1);

      assert.deepEqual(await (await fetch(`${harness.server.url}/healthz`)).json(), {
        status: 'ok',
      });
      assert.deepEqual(await (await fetch(`${harness.server.url}/readyz`)).json(), {
        status: 'ready',
      });
      const metrics = await (await fetch(`${harness.server.url}/metrics`)).text();
      assert.match(metrics, /frontbridge_webhooks_total\{type="message",outcome="200"\} 1/);
      assert.match(metrics, /frontbridge_queue_depth\{kind="deliver"\} \d/);
      assert.match(metrics, /frontbridge_delivery_attempts_total\{outcome="delivered"\} 1/);
    } finally {
      await harness.close();
    }
  });

  it('answers a short JSON error, never a stack, for malformed requests', async () => {
    const harness = await startHarness();
    try {
      const broken = await fetch(`${harness.server.url}/api/v1/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${harness.account.api_key}`,
          'content-type': 'application/json',
        },
        body: '{"channel_id":',
      });
      assert.equal(broken.status, 400);
      const body = (await broken.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'bad_request');
      assert.doesNotMatch(JSON.stringify(body), /at .+\.ts:\d+/);

      const missing = await fetch(`${harness.server.url}/nope`);
      assert.equal(missing.status, 404);
    } finally {
      await harness.close();
    }
  });

  it('releases the jobs it holds when closed, so a restart takes them at once', async () => {
    const harness = await startHarness({
      behaviour: () => ({ status: 200, delayMs: 60_000 }),
      server: { shutdownGraceMs: 50 },
    });
    try {
      await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15551230000'],
        text: 'x',
      });
      await waitFor(() => harness.receiver.hits === 1);
      await harness.server.close();
      harness.server.close = async () => undefined;

      const taken = await harness.store.claimJobs({
        owner: 'next',
        limit: 10,
        now: Date.now(),
        leaseMs: 1000,
      });
      assert.equal(taken.length, 1);
      assert.equal(taken[0]?.kind, 'deliver');
    } finally {
      await harness.close();
    }
  });

  it('deletes finished jobs older than JOB_RETENTION_DAYS at start, keeping the messages', async () => {
    const harness = await startHarness({ env: { JOB_RETENTION_DAYS: '7' } });
    const file = new Sqlite(harness.config.databaseUrl.slice('sqlite:'.length), { readonly: true });
    const jobs = () => (file.prepare('select count(*) from jobs').pluck().get() as number) ?? 0;
    try {
      await control(harness, 'POST', `/channels/${harness.channelId}/messages`, {
        to: ['+15551230000'],
        text: 'x',
      });
      await waitFor(() => harness.receiver.received.length === 1);
      await waitFor(async () => (await harness.store.countPendingJobs()).deliver === undefined);
      const messageId = String(harness.receiver.received[0]?.json.message_id);
      assert.equal(jobs(), 1, 'the finished delivery job is kept for now');

      // A second server on the same database, its clock eight days on: the pruner runs at start.
      const later = await startServer({
        config: { ...harness.config, port: 0 },
        store: harness.store,
        logger: createLogger({ level: 'silent' }),
        now: () => Date.now() + 8 * 24 * 60 * 60 * 1000,
      });
      try {
        await waitFor(() => jobs() === 0, { what: 'finished jobs pruned' });
      } finally {
        await later.close();
      }
      assert.equal((await harness.store.getMessage(messageId))?.status, 'delivered');
    } finally {
      file.close();
      await harness.close();
    }
  });
});
