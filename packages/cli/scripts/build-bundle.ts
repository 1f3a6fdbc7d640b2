// npm run build
//
// Bundles the command line and everything it imports into one minified ES module,
// packages/cli/dist/frontbridge.mjs (run it as `node …/frontbridge.mjs serve`), next to the pages
// it serves. The executable prefers the bundle
// while it is newer than every source it was built from, so production runs no TypeScript loader
// and loads one file instead of ~1,500 (about 60 MB less resident memory).
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(CLI_DIR, '..', '..');

/** Where `npm run build` writes; the executable looks for the bundle here. */
export const DEFAULT_OUTDIR = join(CLI_DIR, 'dist');

/** The bundle's file name inside its folder. */
export const BUNDLE_FILE = 'frontbridge.mjs';

/** Lists the bundle's own sources (relative to the repository), for the freshness check. */
export const SOURCES_FILE = 'sources.json';

// Native addons and optional native drivers stay outside: they are loaded from node_modules.
const EXTERNAL = ['better-sqlite3', 'pg', 'pg-native'];

// The entry exists only in the build (esbuild's stdin), so it is no source to watch.
const ENTRY_NAME = 'frontbridge-entry.ts';

// Files the code reads next to itself at run time (`new URL('./…', import.meta.url)`).
const ASSETS = [
  'packages/cli/src/acme-chat/acme-chat-page.html',
  'packages/emulator/src/inbox',
] as const;

/**
 * Builds the bundle into `outdir` (default `packages/cli/dist`) and resolves with its path. The
 * folder must sit inside the repository so the external packages resolve from its node_modules.
 */
export async function buildBundle(outdir: string = DEFAULT_OUTDIR): Promise<string> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, BUNDLE_FILE);
  const result = await build({
    // Runnable by itself: `node packages/cli/dist/frontbridge.mjs serve`.
    stdin: {
      contents:
        "import { main } from './main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
      resolveDir: join(CLI_DIR, 'src'),
      sourcefile: ENTRY_NAME,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Our error classes spell out their `name`, so minified class names change nothing we read.
    minify: true,
    legalComments: 'none',
    // CommonJS dependencies call `require` for Node's own modules; an ES module has none.
    banner: {
      js: "import { createRequire as __frontbridgeRequire } from 'node:module'; const require = __frontbridgeRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  for (const asset of ASSETS) {
    const from = join(ROOT, asset);
    await cp(from, join(outdir, asset.split('/').at(-1) ?? asset), { recursive: true });
  }
  const sources = [
    ...Object.keys(result.metafile.inputs)
      .map((input) => relative(ROOT, join(process.cwd(), input)))
      .filter((input) => !input.startsWith('..') && !input.includes('node_modules'))
      .filter((input) => input !== relative(ROOT, join(CLI_DIR, 'src', ENTRY_NAME))),
    ...(await assetFiles()),
    'package-lock.json',
  ].sort();
  await writeFile(join(outdir, SOURCES_FILE), `${JSON.stringify(sources, null, 1)}\n`);
  return outfile;
}

// Every file under the assets, so editing one inside a folder also makes the bundle stale.
async function assetFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const asset of ASSETS) {
    if (!(await stat(join(ROOT, asset))).isDirectory()) files.push(asset);
    else for (const name of await readdir(join(ROOT, asset))) files.push(`${asset}/${name}`);
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await buildBundle(process.argv[2] ?? DEFAULT_OUTDIR);
  process.stdout.write(`built ${relative(process.cwd(), outfile)}\n`);
}
