/** Options of {@link ChannelPacer}. */
export interface ChannelPacerOptions {
  /** Most requests allowed to start within any window, per key. */
  limit: number;
  /** Window length in milliseconds; default 1000. */
  windowMs?: number;
  /** The clock in epoch milliseconds. */
  now: () => number;
  /** Waits the given number of milliseconds. */
  sleep: (ms: number) => Promise<void>;
}

interface Lane {
  starts: number[];
  tail: Promise<void>;
  waiting: number;
}

// Past this many lanes, idle ones are dropped so a process serving many channels stays small.
const LANE_SWEEP_THRESHOLD = 256;

/**
 * Spaces requests per key (a channel id) so that no window of `windowMs` holds more than `limit`
 * starts: a sliding window, because Front's burst limit counts any second, not calendar seconds.
 * Callers of one key queue in arrival order; different keys never wait for each other.
 */
export class ChannelPacer {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #lanes = new Map<string, Lane>();
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: ChannelPacerOptions) {
    this.#limit = Math.max(1, Math.floor(options.limit));
    this.#windowMs = options.windowMs ?? 1000;
    this.#now = options.now;
    this.#sleep = options.sleep;
  }

  /** Resolves when a request for `key` may start, and counts that start. */
  acquire(key: string): Promise<void> {
    if (this.#lanes.size > LANE_SWEEP_THRESHOLD) this.#sweep();
    const lane = this.#lanes.get(key) ?? { starts: [], tail: Promise.resolve(), waiting: 0 };
    this.#lanes.set(key, lane);
    lane.waiting++;
    const turn = lane.tail.then(() => this.#waitForSlot(lane)).finally(() => lane.waiting--);
    // The next caller waits for this one whether it succeeds or not.
    lane.tail = turn.catch(() => undefined);
    return turn;
  }

  /** How many keys currently have a lane (for tests and diagnostics). */
  get laneCount(): number {
    return this.#lanes.size;
  }

  // At most once per window, so that many busy channels do not make every call walk the map.
  #sweep(): void {
    const now = this.#now();
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    const cutoff = now - this.#windowMs;
    for (const [key, lane] of this.#lanes) {
      const newest = lane.starts.at(-1) ?? Number.NEGATIVE_INFINITY;
      if (lane.waiting === 0 && newest <= cutoff) this.#lanes.delete(key);
    }
  }

  async #waitForSlot(lane: Lane): Promise<void> {
    for (;;) {
      const now = this.#now();
      while (lane.starts.length > 0 && (lane.starts[0] as number) <= now - this.#windowMs) {
        lane.starts.shift();
      }
      if (lane.starts.length < this.#limit) {
        lane.starts.push(now);
        return;
      }
      await this.#sleep((lane.starts[0] as number) + this.#windowMs - now);
    }
  }
}
