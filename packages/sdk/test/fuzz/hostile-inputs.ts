// Shared generator of malformed and hostile inputs for every package's fuzz suites. Other
// packages import it by relative path, so it depends on nothing but node built-ins.

/** A seeded pseudo-random source: `next()` in [0, 1), plus helpers built on it. */
export interface Rng {
  seed: number;
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: tiny, fast, good enough to spread fuzz cases; the same seed replays the run. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    chance: (probability) => next() < probability,
  };
}

/** The run's seed: `FUZZ_SEED` replays a failure; otherwise a fresh one, printed for replay. */
export function fuzzSeed(surface: string): number {
  const fromEnv = process.env.FUZZ_SEED;
  const seed = fromEnv ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  process.stdout.write(`# fuzz ${surface}: seed ${seed} (replay with FUZZ_SEED=${seed})\n`);
  return seed;
}

/** How many cases a surface runs: `FUZZ_RUNS` overrides the suite's own default. */
export function fuzzRuns(defaultRuns: number): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u2028\u2029',
  '\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '💥'.repeat(50),
  '../../../etc/passwd',
  '..\\..\\windows\\system32',
  '%2e%2e%2f%2e%2e%2f',
  '/dev/zero',
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4j-style probe, on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'a\r\nX-Injected: yes',
  'a\nb',
  '\t',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  'null',
  'undefined',
  'true',
  'x'.repeat(201),
  'é'.repeat(300),
  '+15551230000',
  'whatsapp:+15551230000',
  '00000000000000000000',
] as const;

/** A string from a list of classic troublemakers, or random code units (lone surrogates too). */
export function hostileString(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(NASTY_STRINGS);
  const length = rng.chance(0.01) ? 5000 + rng.int(5000) : rng.int(40);
  let text = '';
  for (let i = 0; i < length; i++)
    text += String.fromCharCode(rng.int(rng.chance(0.8) ? 128 : 65536));
  return text;
}

/** Any JSON-ish value of a random type, to put where a field of another type is expected. */
export function hostileValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 3 ? 7 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.pick([0, -1, 1.5, Number.MAX_SAFE_INTEGER, 1e308, -0]);
    case 2:
      return rng.chance(0.5);
    case 3:
    case 4:
    case 5:
      return hostileString(rng);
    case 6:
      return rng.pick([[], {}, [null], { '': '' }]);
    case 7:
      return Array.from({ length: rng.int(5) }, () => hostileValue(rng, depth + 1));
    default:
      return hostileObject(rng, depth + 1);
  }
}

/** An object with hostile keys (`__proto__`, `constructor`, empty, huge) and hostile values. */
export function hostileObject(rng: Rng, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const size = rng.int(6);
  for (let i = 0; i < size; i++) {
    const key = rng.chance(0.3)
      ? rng.pick(['__proto__', 'constructor', 'type', 'id'])
      : hostileString(rng);
    object[key] = hostileValue(rng, depth + 1);
  }
  return object;
}

/** Nested arrays or objects `depth` deep, written as text (parsers must not blow the stack). */
export function deeplyNestedJson(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Replaces, removes or retypes random fields of a valid document (the most productive mutation). */
export function mutateDocument(rng: Rng, document: unknown, rate = 0.25): unknown {
  if (Array.isArray(document)) {
    return document.map((item) => mutateDocument(rng, item, rate));
  }
  if (typeof document !== 'object' || document === null) {
    return rng.chance(rate) ? hostileValue(rng) : document;
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    if (rng.chance(rate / 3)) continue;
    result[key] = rng.chance(rate) ? hostileValue(rng) : mutateDocument(rng, value, rate);
  }
  if (rng.chance(rate / 2))
    Object.defineProperty(result, '__proto__', { value: { polluted: true }, enumerable: true });
  return result;
}

/** Bytes that are not valid UTF-8 (overlong, lone continuation, truncated sequences, surrogates). */
export function invalidUtf8(rng: Rng): Buffer {
  const pieces = [
    [0xc0, 0xaf],
    [0x80],
    [0xe2, 0x82],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xff, 0xfe],
  ];
  const prefix = Buffer.from(rng.chance(0.5) ? '{"type":"message","x":"' : '');
  return Buffer.concat([
    prefix,
    Buffer.from(rng.pick(pieces)),
    Buffer.from(rng.chance(0.5) ? '"}' : ''),
  ]);
}

/** A raw request body: corrupt JSON text, invalid UTF-8, deep nesting, or a mutated document. */
export function hostileBody(rng: Rng, valid: unknown): Buffer {
  switch (rng.int(12)) {
    case 0:
      return invalidUtf8(rng);
    case 1:
      return Buffer.from(
        deeplyNestedJson(
          rng.chance(0.1) ? 20_000 : 100 + rng.int(2000),
          rng.chance(0.5) ? 'array' : 'object',
        ),
      );
    case 2: {
      const text = JSON.stringify(valid);
      return Buffer.from(text.slice(0, rng.int(text.length)));
    }
    case 3:
      return Buffer.from(JSON.stringify(hostileValue(rng)) ?? 'null');
    default:
      return Buffer.from(JSON.stringify(mutateDocument(rng, valid)) ?? '{}');
  }
}

/** A header value meant to break parsers: CRLF, NUL, huge, non-ASCII, numbers in odd forms. */
export function hostileHeaderValue(rng: Rng): string {
  return rng.pick([
    '',
    ' ',
    'Bearer',
    'Bearer ',
    'bearer x',
    'Basic dXNlcjpwYXNz',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    '1700000000000abc',
    '-1',
    '9'.repeat(40),
    'x'.repeat(8000),
    '=====',
    'é',
    'multipart/form-data',
    'multipart/form-data; boundary=',
    'application/json; charset=latin1',
    'text/plain',
  ]);
}

/** A filename an attacker might send in a multipart part. */
export function hostileFilename(rng: Rng): string {
  return rng.pick([
    '../../etc/passwd',
    '..\\..\\boot.ini',
    '/absolute/path.txt',
    'C:\\windows\\win.ini',
    'a\u0000b.txt',
    'résumé 📎.pdf',
    '',
    '.',
    '..',
    'x'.repeat(1000),
    'name"; filename="evil.sh',
    'a\r\nContent-Type: text/html',
  ]);
}

/**
 * A `multipart/form-data` body with hostile field names, filenames and framing. Returns the bytes
 * and the Content-Type to send them with (sometimes a wrong boundary on purpose).
 */
export function hostileMultipart(
  rng: Rng,
  baseFields: Array<[string, string]> = [],
): { body: Buffer; contentType: string } {
  const boundary = `fuzz${rng.int(1e9)}`;
  const parts: string[] = [];
  // Valid fields first, half the time, so hostile extras reach past the required-field checks.
  if (rng.chance(0.5)) {
    for (const [name, value] of baseFields) {
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      );
    }
  }
  const count = rng.int(4);
  for (let i = 0; i < count; i++) {
    const name = rng.pick([
      'body',
      'sender[handle]',
      'to[0][handle]',
      'metadata[external_id]',
      '__proto__[polluted]',
      'constructor[prototype][polluted]',
      'to[99999999][handle]',
      'a[b][c][d][e][f][g]',
      'attachments[]',
      'attachments[0]',
      'sender',
      '[',
      '',
      hostileString(rng),
    ]);
    const isFile = name.startsWith('attachments') || rng.chance(0.05);
    const disposition = isFile
      ? `form-data; name="${name}"; filename="${hostileFilename(rng)}"`
      : `form-data; name="${name}"`;
    const contentType = isFile
      ? `\r\nContent-Type: ${rng.pick(['text/plain', '', 'x/y', '\u00ff'])}`
      : '';
    parts.push(
      `--${boundary}\r\nContent-Disposition: ${disposition}${contentType}\r\n\r\n${hostileString(rng)}\r\n`,
    );
  }
  let text = `${parts.join('')}--${boundary}--\r\n`;
  if (rng.chance(0.15)) text = text.slice(0, rng.int(text.length));
  const contentType = rng.chance(0.85)
    ? `multipart/form-data; boundary=${boundary}`
    : rng.pick([
        'multipart/form-data',
        'multipart/form-data; boundary=other',
        'multipart/mixed; boundary=x',
      ]);
  return { body: Buffer.from(text, 'utf8'), contentType };
}

/** Paths an attacker might try on any HTTP surface. */
export function hostilePath(rng: Rng): string {
  return rng.pick([
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%00',
    '/%ZZ',
    '/%',
    `/${'a'.repeat(5000)}`,
    '//double//slash',
    '/\u00e9',
    // Lone surrogates cannot be percent-encoded; the fetch client would refuse them first.
    `/${encodeURIComponent(hostileString(rng).replace(/[\uD800-\uDFFF]/g, '?'))}`,
  ]);
}

/**
 * How much the heap may grow over a fuzz run once garbage is collected. Accepted inputs may keep
 * state (stored messages), so this is a ceiling against leaks, not zero.
 */
export const HEAP_GROWTH_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * Asserts the heap came back near its size before the run. The test runner starts every file with
 * `--expose-gc` (scripts/run-tests.mjs), so the figures are after a full collection; without it
 * (a file run by hand) there is nothing reliable to compare and the check is skipped.
 */
export function assertHeapBackToBaseline(beforeBytes: number, label: string): number {
  const grown = settledHeapBytes() - beforeBytes;
  if ((globalThis as { gc?: unknown }).gc && grown > HEAP_GROWTH_LIMIT_BYTES) {
    throw new Error(`${label}: heap grew by ${grown} bytes after a collection`);
  }
  return grown;
}

/** Heap in use after a full collection when the process runs with `--expose-gc`, else as is. */
export function settledHeapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}
