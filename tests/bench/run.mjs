// `npm run bench`: Gazette against the bare libraries, measured in one run on this machine.
// Compiles src/ to lib/, runs each figure in its own process, one after the other (never in
// parallel), prints a table and writes it as JSON to tests/bench/results/<timestamp>.json.
//
//   npm run bench [-- --quick] [-- --full] [-- --only render,cold,archive,preview,size,personalize,send,mta,workers,signup,bounces] [-- --profile]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './fixtures.mjs';

const FIGURES = [
  'render',
  'cold',
  'archive',
  'preview',
  'size',
  'personalize',
  'send',
  'mta',
  'workers',
  'signup',
  'bounces',
];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
// --full: the slow extras (the workers figure's peak RSS at 100k and 1M rows).
const full = args.includes('--full');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : FIGURES;
const unknown = only.filter((f) => !FIGURES.includes(f));
if (args.includes('--help') || unknown.length) {
  process.stderr.write(
    `${unknown.length ? `unknown figure: ${unknown.join(', ')}\n` : ''}usage: npm run bench [-- --quick] [-- --full] [-- --only ${FIGURES.join(',')}] [-- --profile]\n`,
  );
  process.exit(unknown.length ? 1 : 0);
}
const started = Date.now();
const resultsDir = path.join(REPO, 'tests', 'bench', 'results');

process.stderr.write('Compiling src/ to lib/ ...\n');
const tsc = spawnSync(
  process.execPath,
  [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
  { cwd: REPO, stdio: 'inherit' },
);
if (tsc.status !== 0) {
  process.stderr.write('bench: tsc failed; fix the build first.\n');
  process.exit(1);
}
// The startup snapshot of build and check is made from lib/ as tsc just left it (as `npm ci` does).
const snapshot = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-snapshot.mjs')], {
  cwd: REPO,
  stdio: 'inherit',
});
if (snapshot.status !== 0) {
  process.stderr.write('bench: the startup snapshot did not build; fix it first (scripts/build-snapshot.mjs).\n');
  process.exit(1);
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
};
process.stderr.write(
  `Machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n`,
);

/** Runs one figure script; its progress goes to our stderr, its rows come back as JSON. */
function runFigure(name) {
  const nodeArgs = ['--expose-gc'];
  if (args.includes('--profile') && name === 'render')
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', path.join(resultsDir, 'profiles'));
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        path.join(REPO, 'tests', 'bench', `fig-${name}.mjs`),
        ...(quick ? ['--quick'] : []),
        ...(full ? ['--full'] : []),
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      try {
        if (code !== 0) throw new Error(`exited with ${code}`);
        resolve({ rows: JSON.parse(out.trim().split('\n').pop()).rows, seconds });
      } catch (err) {
        resolve({
          rows: [
            {
              id: name,
              figure: name,
              gazette: null,
              peer: null,
              ratio: null,
              goal: '',
              pass: false,
              note: `figure failed: ${err.message}`,
            },
          ],
          seconds,
        });
      }
    });
  });
}

const rows = [];
const seconds = {};
for (const name of FIGURES.filter((f) => only.includes(f))) {
  process.stderr.write(`\n[${name}]\n`);
  const r = await runFigure(name);
  rows.push(...r.rows);
  seconds[name] = Number(r.seconds.toFixed(1));
}

function fmt(v, unit) {
  if (unit === 'B') return `${(v / 1024).toFixed(1)} KB`;
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
  if (unit === 'us') return v >= 1000 ? `${(v / 1000).toFixed(1)} ms` : `${v.toFixed(1)} us`;
  if (unit === 'msg/s') return `${v.toFixed(0)} msg/s`;
  if (unit === 'MB') return `${v.toFixed(0)} MB`;
  return `${v.toFixed(2)} ${unit}`;
}
function cell(s) {
  if (!s) return '-';
  return s.n > 1 ? `${fmt(s.median, s.unit)} [${fmt(s.min, s.unit)}-${fmt(s.max, s.unit)}]` : fmt(s.median, s.unit);
}
const verdict = (p) => (p === true ? 'pass' : p === false ? 'MISS' : '-');

const table = [
  '| figure | Gazette median [min-max] | peer median [min-max] | ratio | goal | result | note |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.figure} | ${cell(r.gazette)} | ${cell(r.peer)} | ${r.ratio === null ? '-' : `${r.ratio >= 0.1 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)}x`} | ${r.goal} | ${verdict(r.pass)} | ${r.note} |`,
  ),
].join('\n');

machine.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
const total = (Date.now() - started) / 1000;
process.stdout.write(
  `\n${table}\n\n${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}; load average ${machine.loadAverageAtStart[0]} at start, ${machine.loadAverageAtEnd[0]} at end; ${total.toFixed(0)} s${quick ? ' (--quick)' : ''}.\n`,
);
if (Math.max(machine.loadAverageAtStart[0], machine.loadAverageAtEnd[0]) > machine.cpus * 0.75) {
  process.stdout.write(
    `Note: the machine was busy with other work (load above ${machine.cpus * 0.75} on ${machine.cpus} cores), so wall times are noisy; the CPU-time ratios in the notes are steadier.\n`,
  );
}

mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    { date: new Date(started).toISOString(), quick, only, machine, seconds, totalSeconds: total, rows, table },
    null,
    2,
  ) + '\n',
);
process.stderr.write(`Results: ${path.relative(process.cwd(), file)}\n`);
