#!/usr/bin/env node
// `npm run docs:codes`: rewrite the code tables of docs/checks.md from src/diagnostics/catalogue.ts.
// The catalogue is TypeScript; esbuild bundles the generator in memory so no build step is needed.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const out = await build({
  entryPoints: [path.join(root, 'src/diagnostics/table.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
});
const { withCodesTable } = await import(
  `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`
);
const file = path.join(root, 'docs/checks.md');
const before = readFileSync(file, 'utf8');
const after = withCodesTable(before);
if (after === before) console.log('docs/checks.md: code tables already up to date');
else {
  writeFileSync(file, after);
  console.log('docs/checks.md: code tables regenerated');
}
