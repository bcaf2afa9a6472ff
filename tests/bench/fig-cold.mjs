// Cold `gazette build` of a 1-article issue, whole process, against the bare peer script.
import { CLI, makeRoot, removeRoot } from './fixtures.mjs';
import { runNode } from './spawn.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const GOAL = 1.15;
const runs = flag('quick') ? 4 : 10;
const root = makeRoot(1);
try {
  const sides = {
    gazette: [CLI, 'build', '--root', root, '--quiet'],
    peer: ['tests/bench/peer-build.mjs', root],
  };
  const times = { gazette: [], peer: [] };
  const cpu = { gazette: [], peer: [] };
  const once = async (side) => {
    const r = await runNode(sides[side]);
    if (r.code !== 0) throw new Error(`${side} build exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    if (r.cpuMs !== undefined) cpu[side].push(r.cpuMs);
    return r.ms;
  };
  await once('gazette'); // warm the disk cache for both
  await once('peer');
  cpu.gazette.length = cpu.peer.length = 0;
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? ['peer', 'gazette'] : ['gazette', 'peer']) times[side].push(await once(side));
  }
  const r = row({
    id: 'cold-build',
    figure: 'cold build, 1 article, whole process',
    gazette: summary(times.gazette, 'ms'),
    peer: summary(times.peer, 'ms'),
    goal: `<= ${GOAL.toFixed(2)}x`,
  });
  r.pass = r.ratio <= GOAL;
  if (cpu.gazette.length) {
    const [gc, pc] = [summary(cpu.gazette, 'ms'), summary(cpu.peer, 'ms')];
    r.extra = { cpu: { gazette: gc, peer: pc, ratio: gc.median / pc.median } };
    r.note = `cpu ${(gc.median / pc.median).toFixed(2)}x (GNU time, ${gc.median.toFixed(0)} / ${pc.median.toFixed(0)} ms)`;
  }
  progress(
    `cold build: Gazette ${r.gazette.median.toFixed(0)} ms, peer ${r.peer.median.toFixed(0)} ms, ${r.ratio.toFixed(2)}x`,
  );
  emit([r]);
} finally {
  removeRoot(root);
}
