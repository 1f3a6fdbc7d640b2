import { createEmulatorApp } from './create-emulator-app.ts';
import type { EmulatorContext, EmulatorOptions } from './emulator-context.ts';
import type { EmulatorState } from './emulator-state.ts';
import type { ExchangeEntry } from './exchange-log.ts';

/** A running emulator. */
export interface Emulator {
  /** Base URL: the inbox page at `/`, the control API at `/_emulator`. */
  url: string;
  /** Base URL of the Channel API (the same origin: point a client's Front base URL here). */
  apiUrl: string;
  appUid: string;
  appSecret: string;
  /** Default Channel URL for the authorization call, if one was configured. */
  channelUrl: string | undefined;
  /** Live, read-only view of the in-memory state, for tests. Do not mutate. */
  state: Readonly<EmulatorState>;
  /** The exchange log, oldest first (secrets unmasked: this is in-process only). */
  exchanges(): readonly ExchangeEntry[];
  /** Resolves once background work (imports and their `message_imported` events) is done. */
  settled(): Promise<void>;
  /** Stops listening, ends event streams and waits for background work. */
  close(): Promise<void>;
  /** The shared context, for advanced tests. */
  context: EmulatorContext;
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1, a free port).
 *
 * @example
 * const emu = await startEmulator({ channelUrl: 'http://127.0.0.1:3000/' });
 * console.log(emu.url);
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { app, context } = await createEmulatorApp(options);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  context.baseUrl = url;

  const settled = async () => {
    while (context.pending.size > 0) await Promise.all([...context.pending]);
  };
  return {
    url,
    apiUrl: url,
    appUid: context.config.appUid,
    appSecret: context.config.appSecret,
    channelUrl: context.config.channelUrl,
    state: context.state,
    exchanges: () => context.log.entries,
    settled,
    context,
    close: async () => {
      await settled();
      await app.close();
    },
  };
}
