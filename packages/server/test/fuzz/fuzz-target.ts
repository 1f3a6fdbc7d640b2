import assert from 'node:assert/strict';
import { join } from 'node:path';
import { signFrontRequest } from '@frontbridge/sdk';
import Database from 'better-sqlite3';
import {
  assertHeapBackToBaseline,
  createRng,
  fuzzSeed,
  type Rng,
  settledHeapBytes,
} from '../../../sdk/test/fuzz/hostile-inputs.ts';
import { APP_SECRET, type Harness, startHarness } from '../helpers/harness.ts';

// Tables that only a request handler inserts into: a rejected request must leave their row counts
// alone. (Jobs and conversations also change under the workers, so they are left out.)
const GUARDED_TABLES = [
  'accounts',
  'channels',
  'messages',
  'event_keys',
  'deliveries',
  'attachments',
];

/** One hostile request against the server under test. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Tally of a run, printed for docs/reliability.md and asserted on by each suite. */
export interface FuzzTally {
  seed: number;
  runs: number;
  statuses: Map<number, number>;
  heapGrowthBytes: number;
}

/** The server with its emulator and receiver, plus a read-only view of its SQLite file. */
export interface FuzzTarget {
  harness: Harness;
  snapshot(): string;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const harness = await startHarness({ env: { BODY_LIMIT_BYTES: String(256 * 1024) } });
  const db = new Database(join(harness.dir, 'fb.db'), { readonly: true, fileMustExist: true });
  const present = new Set(
    (
      db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name),
  );
  const counters = GUARDED_TABLES.filter((table) => present.has(table)).map((table) =>
    db.prepare(`select count(*) as n from ${table}`),
  );
  return {
    harness,
    snapshot: () => counters.map((statement) => (statement.get() as { n: number }).n).join(','),
    close: async () => {
      db.close();
      await harness.close();
    },
  };
}

/** Signs a body with the app secret (so the fuzz reaches past the signature check). */
export function signedHeaders(body: Buffer | string): Record<string, string> {
  return { 'content-type': 'application/json', ...signFrontRequest({ body, secret: APP_SECRET }) };
}

async function send(baseUrl: string, request: FuzzRequest): Promise<number> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: new Uint8Array(Buffer.from(request.body)) }),
  });
  const text = await response.text();
  if (response.status >= 400 && text) {
    assert.doesNotMatch(text, /\n\s+at /, 'an error answer carries a stack trace');
  }
  return response.status;
}

/**
 * Sends `runs` generated requests one at a time. Each must get an answer below 500; a rejected
 * one (4xx) must leave the guarded tables as they were. Returns the tally.
 */
export async function runFuzz(
  target: FuzzTarget,
  options: {
    surface: string;
    runs: number;
    generate: (rng: Rng) => FuzzRequest;
  },
): Promise<FuzzTally> {
  const seed = fuzzSeed(options.surface);
  const rng = createRng(seed);
  const statuses = new Map<number, number>();
  const heapBefore = settledHeapBytes();
  for (let i = 0; i < options.runs; i++) {
    const request = options.generate(rng);
    const before = target.snapshot();
    const status = await send(target.harness.server.url, request).catch((error: Error) => {
      throw new Error(`case ${i} (seed ${seed}) crashed the connection: ${error.message}`);
    });
    if (status >= 500 && process.env.FUZZ_DEBUG) {
      process.stdout.write(
        `# DEBUG ${JSON.stringify({ ...request, body: String(request.body).slice(0, 3000) })}\n`,
      );
    }
    assert.ok(
      status < 500,
      `case ${i} (seed ${seed}): ${request.method} ${request.path} → ${status}`,
    );
    if (status >= 400) {
      assert.equal(target.snapshot(), before, `case ${i} (seed ${seed}): rejected but stored`);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const tally = {
    seed,
    runs: options.runs,
    statuses,
    heapGrowthBytes: assertHeapBackToBaseline(heapBefore, options.surface),
  };
  process.stdout.write(
    `# fuzz ${options.surface}: ${options.runs} inputs, statuses ${JSON.stringify([...statuses])}, heap Δ ${tally.heapGrowthBytes} B\n`,
  );
  return tally;
}
