import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages after which a commit checkpoints by itself: only a backstop for a stalled worker. */
export const WAL_AUTOCHECKPOINT_PAGES = 4000;
const CHECKPOINT_INTERVAL_MS = 200;

// Plain CommonJS so the worker needs no TypeScript loader. Its own connection runs PASSIVE
// checkpoints, which never block writers; errors (a full disk, a busy reader) are left for the
// next tick or the commit-time backstop.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/** A running checkpointer; `stop` ends it and resolves once its connection is closed. */
export interface SqliteCheckpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints (the only fsyncs under `synchronous = NORMAL`) off the event loop and off
 * the commits of requests: a worker thread checkpoints the file every {@link CHECKPOINT_INTERVAL_MS}.
 */
export function startSqliteCheckpointer(file: string): SqliteCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  // A failed worker only means commits checkpoint by themselves again (the backstop).
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again so the process waits for the worker to close its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
