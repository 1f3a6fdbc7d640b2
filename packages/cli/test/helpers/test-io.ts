import type { CliIo } from '../../src/cli-io.ts';

/** A CliIo that records output and stops when the test says so. */
export function createTestIo(env: NodeJS.ProcessEnv = {}) {
  let stop: (signal: string) => void = () => undefined;
  const output = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
    env,
    stopSignal: new Promise((resolve) => {
      stop = resolve;
    }),
  };
  return { io, output, stop: () => stop('SIGTERM') };
}

/** Polls `check` until it returns a value other than undefined (at most `attempts` × 25 ms). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  attempts = 400,
): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
}
