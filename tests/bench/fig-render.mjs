// Warm render of an N-article digest, in-process: Gazette's buildIssue (files unchanged, and one
// article saved between iterations) against the bare-library peer, interleaved after a warm-up.
import { BuildCache } from '../../lib/cache/build-cache.js';
import { buildIssue } from '../../lib/pipeline/build.js';
import { editArticle, ISSUE_SLUG, makeRoot, removeRoot } from './fixtures.mjs';
import { peerBuild } from './peer-render.mjs';
import { collectGarbage, emit, flag, progress, row, summary, timed } from './stats.mjs';

const quick = flag('quick');
const SIZES = (process.env.BENCH_RENDER_N ?? '1,5,20,100').split(',').map(Number);
const GOAL = 1.1;

const diagnosed = new Set();
// One cache for the run, as the preview session keeps one (a new root per size: nothing carries over).
const cache = new BuildCache();
async function gazette(root) {
  const t = await timed(() => buildIssue({ root, issue: ISSUE_SLUG, cache }));
  const r = t.value;
  // A 100-article digest is over Gmail's clipping size: Gazette renders it and says so (an
  // error that stops `gazette build` from writing). Anything else means the bench is broken.
  const errors = r.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'size/gmail-clip');
  if (errors.length || r.issues.length !== 1)
    throw new Error(`Gazette build failed: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
  for (const d of r.diagnostics) if (d.severity === 'error') diagnosed.add(`Gazette reports ${d.code}`);
  return t;
}

async function peer(root) {
  const t = await timed(() => peerBuild(root, ISSUE_SLUG));
  if (!t.value.includes('</html>')) throw new Error('peer produced no HTML');
  return t;
}

const rows = [];
for (const n of SIZES) {
  const root = makeRoot(n);
  diagnosed.clear();
  try {
    const rounds = quick ? 5 : n >= 100 ? 9 : 21;
    const times = { unchanged: [], edited: [], peer: [] };
    let edit = 0;
    const edited = async () => {
      edit++;
      editArticle(root, edit % n, edit); // an editor saves one article; not timed
      return gazette(root);
    };
    for (let i = 0; i < 3; i++) {
      await gazette(root);
      await edited();
      await peer(root);
    }
    for (let i = 0; i < rounds; i++) {
      // Alternate the order inside a round so neither side always runs right after the other.
      const order = i % 2 ? ['edited', 'peer', 'unchanged'] : ['unchanged', 'peer', 'edited'];
      for (const which of order) {
        collectGarbage();
        times[which].push(
          which === 'peer' ? await peer(root) : which === 'edited' ? await edited() : await gazette(root),
        );
      }
    }
    const wall = (list) => list.map((t) => t.wall);
    const cpu = (list) => list.map((t) => t.cpu);
    const p = summary(wall(times.peer), 'ms');
    for (const variant of ['unchanged', 'edited']) {
      const g = summary(wall(times[variant]), 'ms');
      const gc = summary(cpu(times[variant]), 'ms');
      const pc = summary(cpu(times.peer), 'ms');
      const perRound = times[variant].map((t, i) => t.wall / times.peer[i].wall);
      const r = row({
        id: `render-${n}-${variant}`,
        figure: `warm render, ${n} article${n === 1 ? '' : 's'} (${variant === 'unchanged' ? 'files unchanged' : 'one article saved'})`,
        gazette: g,
        peer: p,
        goal: `<= ${GOAL.toFixed(2)}x`,
        extra: { roundRatio: summary(perRound, 'x'), cpu: { gazette: gc, peer: pc, ratio: gc.median / pc.median } },
      });
      r.pass = r.ratio <= GOAL;
      rows.push(r);
      r.note = [`cpu ${(gc.median / pc.median).toFixed(2)}x`, ...diagnosed].join('; ');
      progress(
        `render N=${n} ${variant}: Gazette ${g.median.toFixed(1)} ms, peer ${p.median.toFixed(1)} ms, ${r.ratio.toFixed(2)}x (cpu ${gc.median.toFixed(1)} / ${pc.median.toFixed(1)} ms)`,
      );
    }
  } finally {
    removeRoot(root);
  }
}
emit(rows);
