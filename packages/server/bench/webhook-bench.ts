// npm run bench -w @frontbridge/server
//
// Drives signed `message` webhooks, each with a new id, at frontbridge (SQLite default, every
// acknowledged message durable) and, in the same run, at a bare node:http server that only checks
// the HMAC. Prints both throughputs, their ratio, p50/p99 latency at a fixed 1,000 requests per
// second, and the server's peak RSS. Both servers run in child processes of their own; frontbridge
// runs as production does, `frontbridge serve` from the bundle `npm run build` makes, logging at
// `info` (to /dev/null).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BENCH_SECRET,
  BENCH_WEBHOOK_PATH,
  createWebhookSender,
  seedBenchChannel,
  spawnServer,
  spawnTarget,
  stopTarget,
} from './bench-targets.ts';

const SECRET = BENCH_SECRET;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const FIXED_RATE = 1000;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const sender = createWebhookSender({ idPrefix: 'msg_bench', concurrency: CONCURRENCY });
const sendOne = sender.send;

async function throughput(url: string): Promise<{ rps: number; errors: number; count: number }> {
  let done = 0;
  let errors = 0;
  const until = Date.now() + DURATION_MS;
  const worker = async () => {
    while (Date.now() < until) {
      const status = await sendOne(url).catch(() => 0);
      if (status === 200) done++;
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { rps: done / ((performance.now() - started) / 1000), errors, count: done };
}

/** Open loop at a fixed rate; latency counts from the intended send time (no coordinated omission). */
async function fixedRate(url: string): Promise<{ p50: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const total = (FIXED_RATE * DURATION_MS) / 1000;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / FIXED_RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // Timers wake up to a millisecond early; a request sent early counts from when it was sent.
    const from = Math.min(due, performance.now());
    inFlight.push(
      sendOne(url).then(
        (status) => {
          if (status === 200) latencies.push(performance.now() - from);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), errors };
}

/** Waits (at most a minute) until the server's queue is empty, reading its /metrics. */
async function drained(serverUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const metrics = await (await fetch(`${serverUrl}/metrics`)).text();
    const depth = /frontbridge_queue_depth\{kind="deliver"\} (\d+)/.exec(metrics)?.[1];
    if (depth === '0') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** CPU time (user + system) a process has used, in milliseconds, from /proc. */
async function cpuMs(pid: number | undefined): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function peakRssMb(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

async function prepareServer(dir: string, deliverUrl: string) {
  const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
  await seedBenchChannel(databaseUrl, deliverUrl);
  return databaseUrl;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-bench-'));
  const receiver = await spawnTarget(here('./receiver-server.ts'), {});
  const databaseUrl = await prepareServer(dir, receiver.url);
  const server = await spawnServer({
    FRONT_APP_UID: 'bench',
    FRONT_APP_SECRET: SECRET,
    PUBLIC_URL: 'http://127.0.0.1:1',
    FRONT_API_URL: 'http://127.0.0.1:1',
    DATABASE_URL: databaseUrl,
  });
  const baseline = await spawnTarget(here('./baseline-server.ts'), {
    FRONT_APP_SECRET: SECRET,
  });
  const serverUrl = `${server.url}${BENCH_WEBHOOK_PATH}`;

  try {
    // The yardstick first, while the server is idle; then the server, letting its delivery
    // backlog drain between phases so each phase starts from the same state.
    const bareCpu = await cpuMs(baseline.process.pid);
    const bare = await throughput(baseline.url);
    const bareCpuPerRequest = ((await cpuMs(baseline.process.pid)) - bareCpu) / bare.count;
    const bareLatency = await fixedRate(baseline.url);
    await throughput(serverUrl); // warm-up: JIT, SQLite page cache
    await drained(server.url);
    const ourCpu = await cpuMs(server.process.pid);
    const ours = await throughput(serverUrl);
    const ourIntakeCpu = ((await cpuMs(server.process.pid)) - ourCpu) / ours.count;
    await drained(server.url);
    const ourTotalCpu = ((await cpuMs(server.process.pid)) - ourCpu) / ours.count;
    const ourLatency = await fixedRate(serverUrl);
    // CPU per request does not depend on what else the machine runs; requests per second do.
    console.log(
      `CPU ms per request: bare ${bareCpuPerRequest.toFixed(3)}, frontbridge ${ourIntakeCpu.toFixed(3)} ` +
        `while taking webhooks, ${ourTotalCpu.toFixed(3)} including their deliveries ` +
        `(CPU-bound ratio ${(bareCpuPerRequest / ourTotalCpu).toFixed(2)})`,
    );
    const rss = await peakRssMb(server.process.pid);
    report({ bare, ours, bareLatency, ourLatency, rss });
  } finally {
    for (const target of [server, baseline]) await stopTarget(target);
    sender.close();
    await stopTarget(receiver);
    await rm(dir, { recursive: true, force: true });
  }
}

function report(results: {
  bare: { rps: number; errors: number; count: number };
  ours: { rps: number; errors: number; count: number };
  bareLatency: { p50: number; p99: number; errors: number };
  ourLatency: { p50: number; p99: number; errors: number };
  rss: number;
}) {
  const { bare, ours, bareLatency, ourLatency, rss } = results;
  const ratio = ours.rps / bare.rps;
  const line = (label: string, value: string, target = '') =>
    console.log(`${label.padEnd(38)}${value.padStart(14)}  ${target}`);
  console.log(
    `signed message webhooks, ${DURATION_MS / 1000} s per phase, ${CONCURRENCY} connections`,
  );
  line('bare node:http (HMAC only), req/s', bare.rps.toFixed(0));
  line('frontbridge (SQLite, durable), req/s', ours.rps.toFixed(0));
  line('ratio', ratio.toFixed(2), ratio >= 0.5 ? 'ok (≥ 0.5)' : 'MISSED (≥ 0.5)');
  line(
    `bare p50 / p99 at ${FIXED_RATE} req/s, ms`,
    `${bareLatency.p50.toFixed(2)} / ${bareLatency.p99.toFixed(2)}`,
  );
  line(
    `frontbridge p50 / p99 at ${FIXED_RATE} req/s, ms`,
    `${ourLatency.p50.toFixed(2)} / ${ourLatency.p99.toFixed(2)}`,
    ourLatency.p99 <= 20 ? 'ok (p99 ≤ 20 ms)' : 'MISSED (p99 ≤ 20 ms)',
  );
  line(
    'frontbridge peak RSS, MB',
    rss.toFixed(0),
    rss <= 200 ? 'ok (≤ 200 MB)' : 'MISSED (≤ 200 MB)',
  );
  line('errors (throughput / fixed rate)', `${ours.errors} / ${ourLatency.errors}`);
}

await main();
