import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster for tests that restart the server, so the machine's shared
 * server is never touched. It runs as the `postgres` user (initdb refuses root) in a temp dir,
 * on a free loopback port, with trust auth.
 */
export interface PrivateCluster {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'frontbridge-pg-'));
  const { uid, gid } = await postgresIds();
  await chown(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (...args: string[]) =>
    asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-w', ...args]);

  await asPostgres(`${BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres']);
  await pgCtl('-o', serverOptions, 'start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await pgCtl('-m', 'fast', '-o', serverOptions, 'restart');
    },
    stop: async () => {
      await pgCtl('-m', 'fast', 'stop');
    },
    start: async () => {
      await pgCtl('-o', serverOptions, 'start');
    },
    destroy: async () => {
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether this machine can run a private cluster (the binaries and a `postgres` user). */
export async function canRunPrivateCluster(): Promise<string | false> {
  try {
    await run(`${BIN}/initdb`, ['--version']);
    await postgresIds();
    return false;
  } catch {
    return `no PostgreSQL binaries in ${BIN} or no postgres user`;
  }
}

async function asPostgres(command: string, args: string[]) {
  return run('runuser', ['-u', 'postgres', '--', command, ...args]);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}
