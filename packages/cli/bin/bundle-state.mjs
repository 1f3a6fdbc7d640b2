// Whether the bundle `npm run build` made can stand in for the sources. Plain JavaScript: the
// executable asks before any TypeScript loader is registered.
import { readFileSync, statSync } from 'node:fs';

/**
 * `fresh` when `bundleFile` is newer than every file `sourcesFile` lists (paths relative to
 * `rootDir`), `stale` when one is newer or gone, `absent` when there is no bundle.
 */
export function bundleState(bundleFile, sourcesFile, rootDir) {
  let built;
  let sources;
  try {
    built = statSync(bundleFile).mtimeMs;
    sources = JSON.parse(readFileSync(sourcesFile, 'utf8'));
  } catch {
    return 'absent';
  }
  for (const source of sources) {
    try {
      if (statSync(new URL(source, rootDir)).mtimeMs > built) return 'stale';
    } catch {
      return 'stale';
    }
  }
  return 'fresh';
}
