#!/usr/bin/env node
// Known gaps live in the issue tracker: a TODO/FIXME/XXX marker must name one, as TODO(#12).
import { spawnSync } from 'node:child_process';

const pattern = ['\\b(TODO|FIXME|XXX)\\b'];
const grep = spawnSync('git', ['grep', '-nE', ...pattern, '--', '*.ts', '*.mjs', '*.html'], {
  encoding: 'utf8',
});
const unlinked = grep.stdout
  .split('\n')
  .filter((line) => line && !/(TODO|FIXME|XXX)\(#\d+\)/.test(line))
  .filter((line) => !line.startsWith('scripts/check-markers.mjs'));

if (unlinked.length > 0) {
  console.error('Markers must name an open issue, as TODO(#12):');
  for (const line of unlinked) console.error(`  ${line}`);
  process.exit(1);
}
