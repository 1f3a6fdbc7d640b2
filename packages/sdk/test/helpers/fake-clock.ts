/** A clock whose sleeps return at once and move time forward, recording every wait. */
export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
}

/** Starts at 2026-01-01T00:00:00Z unless told otherwise. */
export function createFakeClock(start = Date.parse('2026-01-01T00:00:00Z')): FakeClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}
