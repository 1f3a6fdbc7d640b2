import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/serve-child.ts', import.meta.url));

/** A server running in a child process (so it can be killed with SIGKILL, or measured alone). */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<unknown>;
}

export async function spawnServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  // Warnings logged while starting (released leases, say) come first; the URL line is the one
  // with a `url`. The reader keeps draining stdout afterwards, so the child never blocks on it.
  const announced = new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: string };
        if (url) resolve(url);
      } catch {
        // Not a line of ours; keep reading.
      }
    });
  });
  const url = await Promise.race([
    announced,
    exited.then(() => {
      throw new Error('The server process exited before listening');
    }),
  ]);
  return { url, process: child, exited };
}
