import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The real-binary tests run bin/gazette.js, which loads lib/: make lib/ match src/. esbuild
 * transpiles file by file (no bundle, same layout as tsc's output) in a second or two where tsc
 * took half a minute on a loaded machine; types are checked by `npm run typecheck`, and
 * `npm run build:ts` (tsc) still makes the published lib/ with its .d.ts files.
 */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const src = path.join(root, 'src');
  const entryPoints = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(src, f));
  await build({
    entryPoints,
    outdir: path.join(root, 'lib'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}
