import { z } from 'zod';

/** One injected failure, applied to the next `remaining` Channel API calls. */
export type Fault =
  | { kind: 'status'; status: 429 | 500 | 503; remaining: number }
  | { kind: 'latency'; ms: number; remaining: number }
  | { kind: 'drop'; remaining: number };

/** Body of `POST /_emulator/faults`. */
export const FaultRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
    count: z.number().int().min(1).max(10_000).default(1),
  }),
  z.object({
    kind: z.literal('latency'),
    ms: z.number().int().min(0).max(600_000),
    count: z.number().int().min(1).max(10_000).default(1),
  }),
  z.object({ kind: z.literal('drop'), count: z.number().int().min(1).max(10_000).default(1) }),
]);

export function faultFromRequest(request: z.infer<typeof FaultRequestSchema>): Fault {
  const { count, ...rest } = request;
  return { ...rest, remaining: count } as Fault;
}

/** Takes the fault that applies to the next call, if any, and counts it down. */
export function takeFault(faults: Fault[]): Fault | undefined {
  const fault = faults[0];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.shift();
  return { ...fault };
}
