/** How much Channel API traffic the emulator lets through, like Front's burst and company limits. */
export interface RateLimitOptions {
  /** Requests per second for one channel (Front's burst limit). Default 5. */
  perChannelPerSecond: number;
  /** Requests per minute for the whole company. Default 600. */
  perMinute: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perChannelPerSecond: 5, perMinute: 600 };

/** Counters of the current fixed windows. */
export interface RateLimitState {
  minuteWindow: number;
  minuteCount: number;
  secondWindows: Map<string, { window: number; count: number }>;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export function createRateLimitState(): RateLimitState {
  return { minuteWindow: -1, minuteCount: 0, secondWindows: new Map() };
}

/**
 * Counts one request of `key` (a channel id) at `now` and says whether it passes. Headers always
 * describe the company minute budget; a 429 adds `retry-after` (seconds) and `x-front-tier`.
 */
export function takeRateLimit(
  state: RateLimitState,
  options: { key: string; now: number; limits: RateLimitOptions },
): RateLimitDecision {
  const { key, now, limits } = options;
  const minute = Math.floor(now / 60_000);
  if (state.minuteWindow !== minute) {
    state.minuteWindow = minute;
    state.minuteCount = 0;
  }
  const second = Math.floor(now / 1000);
  const burst = state.secondWindows.get(key);
  const counter = burst && burst.window === second ? burst : { window: second, count: 0 };
  state.secondWindows.set(key, counter);

  const minuteReset = (minute + 1) * 60;
  if (state.minuteCount >= limits.perMinute) {
    return refuse(limits.perMinute, minuteReset, {
      tier: 'company',
      retryAfter: minuteReset - now / 1000,
    });
  }
  if (counter.count >= limits.perChannelPerSecond) {
    return refuse(limits.perChannelPerSecond, second + 1, {
      tier: 'burst',
      retryAfter: second + 1 - now / 1000,
    });
  }

  state.minuteCount += 1;
  counter.count += 1;
  return {
    allowed: true,
    headers: {
      'x-ratelimit-limit': String(limits.perMinute),
      'x-ratelimit-remaining': String(limits.perMinute - state.minuteCount),
      'x-ratelimit-reset': String(minuteReset),
    },
  };
}

function refuse(
  limit: number,
  reset: number,
  extra: { tier: string; retryAfter: number },
): RateLimitDecision {
  return {
    allowed: false,
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset),
      'retry-after': String(Math.max(1, Math.ceil(extra.retryAfter))),
      'x-front-tier': extra.tier,
    },
  };
}
