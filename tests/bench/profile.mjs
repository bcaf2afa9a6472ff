// Where the warm-render time goes: CPU-profiles Gazette's buildIssue and the peer separately (after
// a warm-up, with the V8 inspector) and prints self time per Gazette stage / npm package.
//   node tests/bench/profile.mjs [--n 20] [--variant unchanged|edited] [--iterations 30] [--save DIR]
//   node tests/bench/profile.mjs --cold     (one cold `gazette build` and one peer-build.mjs, 1 article;
//     from the startup snapshot every sample is in one bundle: GAZETTE_SNAPSHOT=off names the modules)
//   node tests/bench/profile.mjs --file X.cpuprofile   (any `node --cpu-prof` output, e.g. of `gazette send`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BuildCache } from '../../lib/cache/build-cache.js';
import { buildIssue } from '../../lib/pipeline/build.js';
import { CLI, editArticle, ISSUE_SLUG, makeRoot, removeRoot, REPO } from './fixtures.mjs';
import { peerBuild } from './peer-render.mjs';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    cold: { type: 'boolean', default: false },
    n: { type: 'string', default: '20' },
    variant: { type: 'string', default: 'edited' },
    iterations: { type: 'string', default: '30' },
    save: { type: 'string' },
  },
});
const n = Number(values.n);
const iterations = Number(values.iterations);

/** Gazette's own modules by stage; everything in node_modules by package. */
export function categorize(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const lib = /\/lib\/(.+)\.js$/.exec(url);
  if (lib && !url.includes('node_modules')) {
    const stage = lib[1].split('/')[0];
    return `gazette ${['load', 'compose', 'template', 'compile', 'check'].includes(stage) ? stage : stage === 'build' ? 'build' : `${stage} (after compile)`}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1].startsWith('mjml') ? 'mjml-*' : pkg[1];
  if (url.includes('/tests/bench/fixtures')) return 'fixture edit (not timed)';
  if (url.includes('/tests/bench/peer-')) return 'peer script';
  if (url.includes('/tests/bench/')) return 'harness';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const MJML_DEPS = new Set([
  'mjml-*',
  'lodash',
  '@babel/runtime',
  'js-beautify',
  'html-minifier',
  'juice',
  'cheerio',
  'htmlnano',
]);

/**
 * The owner of a sample: the innermost Gazette module (or peer script) on the stack, which
 * charges a library to the stage that called it; else (async continuations, whose callers are
 * gone) the outermost package on the stack; else the leaf itself (GC, idle, native).
 */
function ownerOf(stack) {
  for (const f of stack) {
    const c = categorize(f.url, f.functionName);
    if (c.startsWith('gazette ') || c.startsWith('fixture')) return c;
    if (c === 'peer script') {
      // The peer is a few lines calling libraries: charge each library it calls.
      const lib = [...stack].reverse().find((g) => g.url.includes('node_modules'));
      if (!lib) return c;
      const pkg = categorize(lib.url, lib.functionName);
      return `peer: ${MJML_DEPS.has(pkg) ? 'mjml' : pkg}`;
    }
  }
  for (const f of [...stack].reverse()) {
    const c = categorize(f.url, f.functionName);
    if (f.url?.includes('node_modules')) return MJML_DEPS.has(c) ? 'mjml (async part)' : c;
  }
  return categorize(stack[0].url, stack[0].functionName);
}

/** Cold start: which packages (and Gazette stages) a whole process spends its CPU time in, loading included. */
function coldOwner(stack) {
  const leaf = stack[0];
  if (!leaf.url) {
    // Native work (compiling a module, reading a file): charge the nearest frame with a source.
    const up = stack.find((f) => f.url);
    return up ? `${categorize(up.url, up.functionName)}` : categorize(leaf.url, leaf.functionName);
  }
  return categorize(leaf.url, leaf.functionName);
}

function summarize(profile, runs, owner = ownerOf) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  profile.samples.forEach((id, i) => {
    const stack = [];
    for (let at = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at).callFrame);
    const key = owner(stack);
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  self.delete('fixture edit (not timed)');
  self.delete('(idle)');
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return {
    perIteration: total / runs,
    rows: [...self].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ category: k, ms: v / runs, share: v / total })),
  };
}

function print(title, s) {
  process.stdout.write(`\n${title}, ${s.perIteration.toFixed(1)} ms sampled\n`);
  for (const r of s.rows.filter((x) => x.share >= 0.01))
    process.stdout.write(
      `  ${r.category.padEnd(32)} ${r.ms.toFixed(2).padStart(7)} ms  ${(r.share * 100).toFixed(1).padStart(5)} %\n`,
    );
}

if (values.file) {
  print(values.file, summarize(JSON.parse(readFileSync(values.file, 'utf8')), 1, coldOwner));
  process.exit(0);
}

if (values.cold) {
  const root = makeRoot(1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gazette-bench-prof-'));
  try {
    for (const [side, argv] of [
      ['gazette build', [CLI, 'build', '--root', root, '--quiet']],
      ['peer-build.mjs', ['tests/bench/peer-build.mjs', root]],
    ]) {
      spawnSync(process.execPath, argv, { cwd: REPO }); // warm the disk cache
      const out = path.join(dir, side.replace(/\W+/g, '-'));
      const r = spawnSync(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', out, ...argv],
        { cwd: REPO, encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`${side} failed: ${r.stderr}`);
      // `gazette build` starts from the startup snapshot in a second process (src/snapshot/launch.ts),
      // which writes its own profile: the command's is the larger.
      const [file] = readdirSync(out)
        .map((f) => path.join(out, f))
        .sort((a, b) => statSync(b).size - statSync(a).size);
      const profile = JSON.parse(readFileSync(file, 'utf8'));
      print(`cold ${side}`, summarize(profile, 1, coldOwner));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeRoot(root);
  }
  process.exit(0);
}

const root = makeRoot(n);
const cache = new BuildCache();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
let edit = 0;
let wall = 0;
const sides = {
  gazette: async () => {
    if (values.variant === 'edited') editArticle(root, ++edit % n, edit);
    const t0 = performance.now();
    const r = await buildIssue({ root, issue: ISSUE_SLUG, cache });
    wall += performance.now() - t0;
    if (!r.ok) throw new Error('Gazette build failed');
  },
  peer: async () => {
    const t0 = performance.now();
    await peerBuild(root, ISSUE_SLUG);
    wall += performance.now() - t0;
  },
};
try {
  for (const [side, once] of Object.entries(sides)) {
    for (let i = 0; i < 5; i++) await once();
    globalThis.gc?.();
    await session.post('Profiler.start');
    wall = 0;
    for (let i = 0; i < iterations; i++) await once();
    const { profile } = await session.post('Profiler.stop');
    if (values.save)
      writeFileSync(path.join(values.save, `${side}-${n}-${values.variant}.cpuprofile`), JSON.stringify(profile));
    const s = summarize(profile, iterations);
    process.stdout.write(
      `\n${side}, ${n} articles (${values.variant}): ${(wall / iterations).toFixed(1)} ms wall, ${s.perIteration.toFixed(1)} ms sampled per iteration\n`,
    );
    for (const r of s.rows.filter((x) => x.share >= 0.01))
      process.stdout.write(
        `  ${r.category.padEnd(32)} ${r.ms.toFixed(2).padStart(7)} ms  ${(r.share * 100).toFixed(1).padStart(5)} %\n`,
      );
  }
} finally {
  session.disconnect();
  removeRoot(root);
}
