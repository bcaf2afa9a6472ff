#!/usr/bin/env node
// Builds the startup snapshot of `gazette build` and `gazette check` (docs/performance.md,
// "Startup snapshot"): esbuild bundles lib/snapshot/entry.js into one CommonJS file, Node runs it
// with --build-snapshot, and the heap it leaves (every module those commands load, MJML included)
// is saved as lib/snapshot/gazette.blob, with a stamp of what it was built from. Run after tsc by
// `npm ci` (prepare), `npm run build:ts` and the bench. Without esbuild (an install without dev
// dependencies) it says so and stops: Gazette then starts the usual way.
//   node scripts/build-snapshot.mjs [--out DIR] [--optional]   (--optional: a failure is reported, not an error)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const REPO = path.resolve(import.meta.dirname, '..');
const LIB = path.join(REPO, 'lib');
const { values } = parseArgs({ options: { out: { type: 'string' }, optional: { type: 'boolean', default: false } } });
const out = path.resolve(values.out ?? path.join(LIB, 'snapshot'));

/** Loaded at run time with the checkout's own require: native addons, and what build and check never load. */
const AT_RUN_TIME = ['sharp', 'better-sqlite3', 'playwright-core', 'typescript', 'imapflow', 'pg', 'pg-native', 'nodemailer', 'chokidar'];
/**
 * cheerio (inside mjml) imports undici for its fromURL(), which mjml never calls: about 90 ms of a
 * cold start, and undici cannot be in a snapshot. It gets a stand-in that requires the real one
 * on first use.
 */
const ON_FIRST_USE = ['undici'];

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stdout.write('build-snapshot: esbuild is not installed; no startup snapshot (Gazette starts without one)\n');
  process.exit(0);
}
if (!existsSync(path.join(LIB, 'snapshot', 'entry.js'))) {
  process.stderr.write('build-snapshot: lib/snapshot/entry.js is missing; run tsc first (npm run build:ts)\n');
  process.exit(1);
}

const names = (list) => new RegExp(`^(${list.map((n) => n.replace(/[.+-]/g, '\\$&')).join('|')})(/.*)?$`);
const runTime = {
  name: 'gazette-run-time',
  setup(build) {
    build.onResolve({ filter: names([...AT_RUN_TIME, ...ON_FIRST_USE]) }, (a) => ({ path: a.path, namespace: 'run-time' }));
    build.onLoad({ filter: /.*/, namespace: 'run-time' }, ({ path: id }) => {
      const req = `globalThis.__gazetteRequire(${JSON.stringify(id)})`;
      const contents = ON_FIRST_USE.includes(id)
        ? `let real; const load = () => (real ??= ${req});
module.exports = new Proxy({}, {
  get: (_, k) => (k === '__esModule' ? true : load()[k]),
  has: (_, k) => k in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => Object.getOwnPropertyDescriptor(load(), k),
});`
        : `module.exports = ${req};`;
      return { contents, loader: 'js' };
    });
  },
};

mkdirSync(out, { recursive: true });
const bundle = path.join(out, 'gazette.cjs');
const blob = path.join(out, 'gazette.blob');
const started = performance.now();
const built = await esbuild.build({
  entryPoints: [path.join(LIB, 'snapshot', 'entry.js')],
  metafile: true,
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [runTime],
  // Every module's import.meta.url becomes the bundle's: lib/snapshot/ is as deep as lib/<stage>/,
  // so `new URL('../../templates/', import.meta.url)` still finds the templates.
  define: { 'import.meta.url': '__gazetteUrl' },
  banner: {
    js: [
      `var __gazetteBundle = ${JSON.stringify(path.join(LIB, 'snapshot', 'gazette.cjs'))};`,
      `var __gazetteUrl = require('node:url').pathToFileURL(__gazetteBundle).href;`,
      // While building, only Node's own modules can be required; at run time, anything.
      'var __gazetteBuiltin = require;',
      'require = Object.assign((id) => (globalThis.__gazetteRequire || __gazetteBuiltin)(id), {',
      '  resolve: (id, options) => globalThis.__gazetteRequire.resolve(id, options),',
      '});',
    ].join('\n'),
  },
  legalComments: 'none',
  logLevel: 'error',
});
const tmp = `${blob}.${process.pid}.tmp`;
// Without the builder's NODE_OPTIONS: Node refuses a blob made under V8 flags it does not run
// with, and the launcher starts it with none (`NODE_OPTIONS=--max-old-space-size=4096 npm ci`
// would leave a blob no `gazette build` can start from).
const { NODE_OPTIONS: _builderOptions, ...builderEnv } = process.env;
const made = spawnSync(process.execPath, ['--snapshot-blob', tmp, '--build-snapshot', bundle], {
  cwd: out,
  encoding: 'utf8',
  env: builderEnv,
});
if (made.status !== 0) {
  rmSync(tmp, { force: true });
  process.stderr.write(`build-snapshot: node --build-snapshot failed (Gazette starts without a snapshot):\n${made.stderr}\n`);
  process.exit(values.optional ? 0 : 1);
}
renameSync(tmp, blob);
const { currentStamp } = await import('../lib/snapshot/stamp.js');
// The package.json of every package bundled (node_modules/a, node_modules/@s/b, nested ones too):
// the stamp signs them, so that a package replaced by any installer makes the blob stale.
const packageFiles = [
  ...new Set(
    Object.keys(built.metafile.inputs)
      .map((f) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path.relative(REPO, path.resolve(f)))?.[1])
      .filter((p) => p !== undefined)
      .map((p) => `${p}/package.json`),
  ),
]
  .filter((f) => existsSync(path.join(REPO, f)))
  .sort();
const stamp = currentStamp(LIB, out, statSync(blob).size, packageFiles);
writeFileSync(path.join(out, 'stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
const mb = (statSync(blob).size / 1e6).toFixed(0);
process.stdout.write(`build-snapshot: ${path.relative(process.cwd(), blob) || blob} (${mb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
