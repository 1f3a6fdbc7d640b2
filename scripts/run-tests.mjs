#!/usr/bin/env node
// Runs every test file of every package with node's test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [path-prefix ...] [--long]
//   path-prefix  only files under these paths (e.g. packages/sdk)
//   --long       also the long suites (*.long.test.ts), which `npm test` leaves out
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const long = args.includes('--long');
const prefixes = args.filter((arg) => !arg.startsWith('--'));

function collect(dir, found) {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const files = [...collect(join(root, 'packages'), []), ...collect(join(root, 'test'), [])]
  .filter((file) => long || !file.endsWith('.long.test.ts'))
  .filter((file) => prefixes.length === 0 || prefixes.some((prefix) => file.startsWith(prefix)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const result = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
