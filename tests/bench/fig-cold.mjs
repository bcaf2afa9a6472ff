// Cold `gazette build` of a 1-article issue, whole process, against the bare peer script: with
// `--no-cache` (everything rendered, the cold start proper) and as an editor re-running it (the
// build cache in .gazette/cache/ filled by the run before).
import { CLI, makeRoot, removeRoot } from './fixtures.mjs';
import { runNode } from './spawn.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const GOAL = 1.15;
const runs = flag('quick') ? 4 : 10;
const root = makeRoot(1);
try {
  const sides = {
    gazette: [CLI, 'build', '--root', root, '--quiet', '--no-cache'],
    cached: [CLI, 'build', '--root', root, '--quiet'],
    peer: ['tests/bench/peer-build.mjs', root],
  };
  const times = { gazette: [], cached: [], peer: [] };
  const cpu = { gazette: [], cached: [], peer: [] };
  const once = async (side) => {
    const r = await runNode(sides[side]);
    if (r.code !== 0) throw new Error(`${side} build exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    if (r.cpuMs !== undefined) cpu[side].push(r.cpuMs);
    return r.ms;
  };
  await once('gazette'); // warm the disk cache for all
  await once('cached');
  await once('peer');
  cpu.gazette.length = cpu.cached.length = cpu.peer.length = 0;
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? ['peer', 'cached', 'gazette'] : ['gazette', 'cached', 'peer'])
      times[side].push(await once(side));
  }
  const rows = [
    ['gazette', 'cold-build', 'cold build, 1 article, whole process (--no-cache)'],
    ['cached', 'cold-build-cached', 'cold build, 1 article, whole process (build cache filled)'],
  ].map(([side, id, figure]) => {
    const r = row({
      id,
      figure,
      gazette: summary(times[side], 'ms'),
      peer: summary(times.peer, 'ms'),
      goal: `<= ${GOAL.toFixed(2)}x`,
    });
    r.pass = r.ratio <= GOAL;
    if (cpu[side].length) {
      const [gc, pc] = [summary(cpu[side], 'ms'), summary(cpu.peer, 'ms')];
      r.extra = { cpu: { gazette: gc, peer: pc, ratio: gc.median / pc.median } };
      r.note = `cpu ${(gc.median / pc.median).toFixed(2)}x (GNU time, ${gc.median.toFixed(0)} / ${pc.median.toFixed(0)} ms)`;
    }
    progress(
      `${figure}: Gazette ${r.gazette.median.toFixed(0)} ms, peer ${r.peer.median.toFixed(0)} ms, ${r.ratio.toFixed(2)}x`,
    );
    return r;
  });
  emit(rows);
} finally {
  removeRoot(root);
}
