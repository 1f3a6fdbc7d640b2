#!/usr/bin/env node
// Runs the bundle `npm run build` made (packages/cli/dist) while it is newer than every source it
// was built from; otherwise runs the TypeScript sources through tsx, so a checkout needs no build
// and an edited one never runs yesterday's code. Quietly: scripts read this command's stderr.
import { bundleState } from './bundle-state.mjs';

const bundle = new URL('../dist/frontbridge.mjs', import.meta.url);
const state = bundleState(
  bundle,
  new URL('../dist/sources.json', import.meta.url),
  new URL('../../../', import.meta.url),
);

if (state === 'fresh') {
  // The bundle runs the command line itself.
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
