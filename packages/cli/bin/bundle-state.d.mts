/** See bundle-state.mjs. */
export function bundleState(
  bundleFile: URL,
  sourcesFile: URL,
  rootDir: URL,
): 'fresh' | 'stale' | 'absent';
