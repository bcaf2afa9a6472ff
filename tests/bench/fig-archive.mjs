// A 200-issue archive rebuilt by `gazette build` (whole process, build cache on): nothing changed,
// and one article edited, against a cold 1-issue build (`--no-cache`) measured in the same run.
// Afterwards, in-process, the cache's counters say what the edit recompiled.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, ISSUE_SLUG, articlePath, articleSlug, articleText, makeRoot, removeRoot } from './fixtures.mjs';
import { runNode } from './spawn.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const ISSUES = Number(process.env.BENCH_ARCHIVE_N ?? 200);
const runs = flag('quick') ? 2 : 4;

/** N issues, each carrying its own article, one day apart. */
function archiveRoot(n) {
  const root = makeRoot(0);
  rmSync(path.join(root, 'content', 'issues', `${ISSUE_SLUG}.md`));
  for (let i = 0; i < n; i++) {
    writeFileSync(articlePath(root, i), articleText(i));
    const date = new Date(Date.UTC(2022, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(
      path.join(root, 'content', 'issues', `issue-${String(i + 1).padStart(3, '0')}.md`),
      `---\ntitle: "Issue ${i + 1}"\ndate: ${date}\nnumber: ${i + 1}\nlayout: feature\narticles:\n  - ${articleSlug(i)}\n---\n\nHello {{subscriber.name | default: "reader"}}.\n`,
    );
  }
  return root;
}

const archive = archiveRoot(ISSUES);
const single = makeRoot(1);
try {
  const build = async (root, extra = []) => {
    const r = await runNode([CLI, 'build', '--root', root, '--quiet', ...extra]);
    if (r.code !== 0) throw new Error(`build exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    return r;
  };
  const t0 = performance.now();
  await build(archive); // fills .gazette/cache/
  progress(`archive of ${ISSUES} issues: first build (cache empty) ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await build(single, ['--no-cache']);
  const times = { unchanged: [], edited: [], peer: [] };
  const cpu = { unchanged: [], edited: [], peer: [] };
  let edit = 0;
  const sides = {
    unchanged: () => build(archive),
    edited: () => {
      edit++;
      writeFileSync(articlePath(archive, (edit * 37) % ISSUES), articleText((edit * 37) % ISSUES, edit));
      return build(archive);
    },
    peer: () => build(single, ['--no-cache']),
  };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? ['peer', 'edited', 'unchanged'] : ['unchanged', 'edited', 'peer']) {
      const r = await sides[side]();
      times[side].push(r.ms);
      if (r.cpuMs !== undefined) cpu[side].push(r.cpuMs);
    }
  }
  // What one edit recompiles, from the cache's counters (same code as the CLI, in-process).
  const { BuildCache } = await import('../../lib/cache/build-cache.js');
  const { PersistentCache } = await import('../../lib/cache/persistent.js');
  const { buildIssue } = await import('../../lib/pipeline/build.js');
  const { siteFiles } = await import('../../lib/output/site.js');
  writeFileSync(articlePath(archive, 5), articleText(5, 999));
  const cache = new BuildCache();
  cache.persistent = new PersistentCache(path.join(archive, '.gazette', 'cache'));
  const built = await buildIssue({ root: archive, cache });
  await siteFiles(built.content, built.issues, cache);
  const { mjmlCompiles, persistentHits, persistentMisses } = cache.stats;
  const counted = `one edit: ${mjmlCompiles} MJML compiles, ${persistentMisses} renders, ${persistentHits} from the cache`;
  progress(counted);

  const peer = summary(times.peer, 'ms');
  const cpuNote = (side) =>
    cpu[side].length
      ? `cpu ${(summary(cpu[side]).median / summary(cpu.peer).median).toFixed(2)}x (${summary(cpu[side]).median.toFixed(0)} / ${summary(cpu.peer).median.toFixed(0)} ms)`
      : '';
  const rows = [
    { side: 'unchanged', figure: `${ISSUES}-issue archive, nothing changed, rebuild`, goal: 1.3 },
    { side: 'edited', figure: `${ISSUES}-issue archive, one article edited`, goal: 1.5 },
  ].map(({ side, figure, goal }) => {
    const r = row({
      id: `archive-${side}`,
      figure,
      gazette: summary(times[side], 'ms'),
      peer,
      goal: `<= ${goal.toFixed(2)}x the 1-issue cold build`,
    });
    r.pass = r.ratio <= goal;
    r.note = [cpuNote(side), side === 'edited' ? counted : ''].filter(Boolean).join('; ');
    progress(`${figure}: ${r.gazette.median.toFixed(0)} ms vs ${peer.median.toFixed(0)} ms, ${r.ratio.toFixed(2)}x`);
    return r;
  });
  emit(rows);
} finally {
  removeRoot(archive);
  removeRoot(single);
}
