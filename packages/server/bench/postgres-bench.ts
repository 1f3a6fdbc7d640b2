// npm run bench:postgres -w @frontbridge/server
//
// PostgreSQL mode of the webhook bench: throughput of signed `message` webhooks (each a new id,
// each acknowledged only once durable) against one frontbridge instance and against two
// instances sharing one database, with the bare node:http HMAC baseline in the same run. The load
// generator shares the machine's cores with the servers and PostgreSQL, so the CPU each of them
// used is measured and printed too: on a 2-core machine that, not the database, is the limit.
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/helpers/multi-instance.ts';
import {
  BENCH_SECRET,
  BENCH_WEBHOOK_PATH,
  createWebhookSender,
  seedBenchChannel,
  spawnServer,
  spawnTarget,
  stopTarget,
  type Target,
} from './bench-targets.ts';

const SECRET = BENCH_SECRET;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sender = createWebhookSender({ idPrefix: 'msg_pgbench', concurrency: CONCURRENCY });
const sendOne = sender.send;

interface Phase {
  rps: number;
  errors: number;
  /** CPU seconds per wall second (1.0 = one core), by process group. */
  cpu: Record<string, number>;
  /** Share of the whole machine that was busy. */
  machineBusy: number;
}

/** Closed loop: CONCURRENCY workers, spread round-robin over `urls`, for DURATION_MS. */
async function throughput(urls: string[], targets: Target[]): Promise<Phase> {
  let done = 0;
  let errors = 0;
  const until = Date.now() + DURATION_MS;
  const worker = async (index: number) => {
    const url = urls[index % urls.length] ?? '';
    while (Date.now() < until) {
      const status = await sendOne(url).catch(() => 0);
      if (status === 200) done++;
      else errors++;
    }
  };
  const before = await sampleCpu(targets);
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)));
  const seconds = (performance.now() - started) / 1000;
  const after = await sampleCpu(targets);
  return { rps: done / seconds, errors, ...cpuShares(before, after, seconds) };
}

interface CpuSample {
  generator: number;
  servers: number;
  machineBusy: number;
  machineTotal: number;
}

async function sampleCpu(targets: Target[]): Promise<CpuSample> {
  const usage = process.cpuUsage();
  let servers = 0;
  for (const target of targets) servers += await processCpuSeconds(target.process.pid);
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/) ?? [];
  const ticks = fields.slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return {
    generator: (usage.user + usage.system) / 1e6,
    servers,
    machineBusy: total - idle,
    machineTotal: total,
  };
}

async function processCpuSeconds(pid: number | undefined): Promise<number> {
  // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second).
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cpuShares(before: CpuSample, after: CpuSample, seconds: number) {
  const busy = after.machineBusy - before.machineBusy;
  const total = after.machineTotal - before.machineTotal;
  return {
    cpu: {
      'load generator': (after.generator - before.generator) / seconds,
      'frontbridge instances': (after.servers - before.servers) / seconds,
    },
    machineBusy: total > 0 ? busy / total : 0,
  };
}

async function prepareDatabase(deliverUrl: string) {
  const database = await createTestDatabase();
  await seedBenchChannel(database.url, deliverUrl);
  return database;
}

/** Starts `count` instances on a fresh database, warms them up, measures, stops them. */
async function measureInstances(count: number, deliverUrl: string): Promise<Phase> {
  const database = await prepareDatabase(deliverUrl);
  const env = {
    FRONT_APP_UID: 'bench',
    FRONT_APP_SECRET: SECRET,
    PUBLIC_URL: 'http://127.0.0.1:1',
    FRONT_API_URL: 'http://127.0.0.1:1',
    DATABASE_URL: database.url,
  };
  const instances = await Promise.all(Array.from({ length: count }, () => spawnServer(env)));
  const urls = instances.map((instance) => `${instance.url}${BENCH_WEBHOOK_PATH}`);
  try {
    await throughput(urls, instances); // warm-up: JIT, pool connections, PostgreSQL caches
    return await throughput(urls, instances);
  } finally {
    await Promise.all(instances.map(stopTarget));
    await database.drop();
  }
}

async function main() {
  const receiver = await spawnTarget(here('./receiver-server.ts'), {});
  const baseline = await spawnTarget(here('./baseline-server.ts'), { FRONT_APP_SECRET: SECRET });
  try {
    await throughput([baseline.url], [baseline]);
    const bare = await throughput([baseline.url], [baseline]);
    const one = await measureInstances(1, receiver.url);
    const two = await measureInstances(2, receiver.url);
    report(bare, one, two);
  } finally {
    await stopTarget(baseline);
    sender.close();
    await stopTarget(receiver);
  }
}

function report(bare: Phase, one: Phase, two: Phase) {
  const line = (label: string, value: string, note = '') =>
    console.log(`${label.padEnd(44)}${value.padStart(10)}  ${note}`);
  const cpu = (phase: Phase) =>
    `${Object.entries(phase.cpu)
      .map(([name, cores]) => `${name} ${cores.toFixed(2)} cores`)
      .join(', ')}, machine ${(phase.machineBusy * 100).toFixed(0)}% busy`;
  const scale = two.rps / one.rps;
  console.log(
    `signed message webhooks on PostgreSQL, ${DURATION_MS / 1000} s per phase, ` +
      `${CONCURRENCY} connections, ${cpus().length} cores`,
  );
  line('bare node:http (HMAC only), req/s', bare.rps.toFixed(0), cpu(bare));
  line('frontbridge, 1 instance, req/s', one.rps.toFixed(0), cpu(one));
  line('frontbridge, 2 instances, req/s', two.rps.toFixed(0), cpu(two));
  line('ratio 1 instance / bare', (one.rps / bare.rps).toFixed(2));
  line('ratio 2 instances / bare', (two.rps / bare.rps).toFixed(2));
  line(
    'scaling 2 instances / 1 instance',
    scale.toFixed(2),
    scale >= 1.6 ? 'ok (≥ 1.6)' : 'MISSED (≥ 1.6)',
  );
  line('errors (1 / 2 instances)', `${one.errors} / ${two.errors}`);
}

await main();
