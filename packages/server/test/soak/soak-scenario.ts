import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Acked,
  prepareDatabase,
  sendOne,
  startEmulatorWithChannel,
} from '../faults/kill-scenario.ts';
import { spawnServer } from '../helpers/child-server.ts';
import { testEnv, waitFor } from '../helpers/harness.ts';
import { startReceiver } from '../helpers/receiver.ts';

const MAX_IN_FLIGHT = 16;

/** Resident memory of a process in bytes, from /proc (Linux). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/**
 * Steady mixed load (signed webhooks and REST API messages, alternating) at `ratePerSecond` for
 * `seconds` against a server in its own process, its RSS sampled every second. Asserts no error,
 * memory flat (the last third's median within 1.5× + 20 MB of the first third's) and the queue
 * drained at the end, and prints the figures.
 */
export async function runSoak(options: { seconds: number; ratePerSecond: number }) {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-soak-'));
  const receiver = await startReceiver();
  const emulator = await startEmulatorWithChannel('soak', {
    perChannelPerSecond: 1e6,
    perMinute: 1e9,
  });
  const databaseUrl = `sqlite:${join(dir, 'soak.db')}`;
  const server = await spawnServer(
    testEnv({
      DATABASE_URL: databaseUrl,
      FRONT_API_URL: emulator.apiUrl,
      FRONT_REQUESTS_PER_SECOND: '100000',
    }),
  );
  const pid = server.process.pid ?? 0;
  try {
    const account = await prepareDatabase(databaseUrl, receiver.url);
    const acked: Acked = { webhooks: new Map(), api: new Map() };
    const latencies: number[] = [];
    const errors: string[] = [];
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssOf(pid)), 1000);
    const started = performance.now();
    const total = Math.round(options.seconds * options.ratePerSecond);
    const inFlight = new Set<Promise<void>>();
    for (let index = 0; index < total; index++) {
      // At most MAX_IN_FLIGHT open requests, as a client with a connection pool has: when the
      // server falls behind, the offered rate drops instead of piling up connections.
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const due = started + (index * 1000) / options.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sentAt = performance.now();
      const request: Promise<void> = sendOne(server, account, index, acked).then(
        () => void latencies.push(performance.now() - sentAt),
        (error: Error) =>
          void errors.push(
            `${error.message} (${String((error.cause as Error | undefined)?.message ?? '')}), server exit ${server.process.exitCode}`,
          ),
      );
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - started) / 1000;
    await waitFor(() => receiver.received.length >= acked.webhooks.size, {
      timeoutMs: 120_000,
      what: 'deliveries',
    });
    const synced = () =>
      [...emulator.state.messages.values()].filter((m) => m.source === 'sync').length;
    await waitFor(() => synced() >= acked.api.size, { timeoutMs: 120_000, what: 'syncs' });
    clearInterval(sampler);
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} requests failed`);
    assert.equal(acked.webhooks.size + acked.api.size, total, 'every request was acknowledged');
    const third = Math.max(1, Math.floor(rss.length / 3));
    const early = median(rss.slice(0, third));
    const late = median(rss.slice(-third));
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `# soak: ${total} requests in ${elapsedS.toFixed(1)} s (${(total / elapsedS).toFixed(0)}/s), ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
        `RSS first third ${mb(early)} MB, last third ${mb(late)} MB, peak ${mb(Math.max(...rss))} MB, ` +
        `${receiver.received.length} deliveries, ${synced()} syncs\n`,
    );
    assert.ok(
      late <= early * 1.5 + 20 * 1024 * 1024,
      `RSS grew from ${mb(early)} MB to ${mb(late)} MB`,
    );
  } finally {
    server.process.kill('SIGTERM');
    await server.exited;
    await emulator.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
}
