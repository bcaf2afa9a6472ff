#!/usr/bin/env node
// Structure rules that a linter does not check: no import cycle in src/ (static or dynamic
// imports), and no source file over MAX_LINES lines. Run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '..', 'src');
const MAX_LINES = 300;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const files = walk(SRC);
const graph = new Map();
const problems = [];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) problems.push(`${path.relative(process.cwd(), file)}: ${lines} lines (at most ${MAX_LINES}); split it by what it does`);
  const deps = new Set();
  // `import type` is erased at compile time and cannot form a runtime cycle.
  for (const m of text.matchAll(IMPORT)) {
    const before = text.slice(Math.max(0, text.lastIndexOf('\n', m.index) + 1), m.index + m[0].length);
    if (/^\s*(import|export)\s+type\b/.test(before)) continue;
    deps.add(path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')));
  }
  graph.set(file, [...deps].filter((d) => d !== file));
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const stack = [];
const info = new Map();
function visit(v) {
  info.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!info.has(w)) {
      visit(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
  }
  if (info.get(v).low === info.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(path.relative(process.cwd(), w));
    } while (w !== v);
    if (component.length > 1) problems.push(`import cycle: ${component.sort().join(' <-> ')}`);
  }
}
for (const v of graph.keys()) if (!info.has(v)) visit(v);

for (const p of problems) process.stderr.write(`${p}\n`);
process.stderr.write(`check-structure: ${files.length} files, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
process.exitCode = problems.length ? 1 : 0;
