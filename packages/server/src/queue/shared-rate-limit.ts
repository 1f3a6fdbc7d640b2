import type { Store } from '../store/store.ts';

export interface SharedRateLimitOptions {
  store: Store;
  /** The fetch that actually sends. */
  fetch: typeof globalThis.fetch;
  /** Requests per second allowed per channel, for the whole deployment. */
  requestsPerSecond: number;
  sleep?: (ms: number) => Promise<void>;
}

const CHANNEL_PATH = /\/channels\/([^/?#]+)/;

/**
 * A `fetch` for the Channel API client that paces each channel across every instance: before each
 * attempt (retries included) it reserves a start slot in the shared database and waits for it.
 * The SDK's own pacer only knows its own process, so N instances would otherwise send N times
 * Front's per-channel burst limit. Requests that name no channel pass straight through.
 */
export function createSharedRateLimitedFetch(
  options: SharedRateLimitOptions,
): typeof globalThis.fetch {
  const { store, fetch, requestsPerSecond } = options;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const intervalMs = Math.max(1, Math.ceil(1000 / requestsPerSecond));
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const channelId = CHANNEL_PATH.exec(new URL(url).pathname)?.[1];
    if (channelId) {
      const { waitMs } = await store.reserveRateSlot(`front:channel:${channelId}`, intervalMs);
      if (waitMs > 0) await sleep(waitMs);
    }
    return fetch(input, init);
  };
}
