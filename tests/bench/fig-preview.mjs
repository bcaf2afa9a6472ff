// Preview: from saving an article to the reloaded frame's HTML, 5-article digest, in-process:
// `startPreview` watching the root, a client on /events as the page's script is, and on the build
// event that says the issue's frames changed, the frame's request (what the page's iframe loads).
// No browser: the frame's paint is not in the number (tests/e2e/preview.test.ts measures it whole).
// BENCH_LIB=<dir> measures another compiled lib/ (an older commit) with the same harness.
import http from 'node:http';
import path from 'node:path';
import { editArticle, ISSUE_SLUG, makeRoot, removeRoot, REPO } from './fixtures.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const GOAL_MS = 150;
const lib = process.env.BENCH_LIB ?? path.join(REPO, 'lib');
const { startPreview } = await import(path.join(lib, 'preview', 'server.js'));
const rounds = flag('quick') ? 6 : 15;
const root = makeRoot(5);
const server = await startPreview({ root, port: 0, log: () => {} });
try {
  const waiters = [];
  // The page's EventSource: every `build` event, parsed.
  await new Promise((resolve, reject) => {
    http
      .get(`${server.url.replace(/\/$/, '')}/events`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buf += chunk;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'hello') resolve();
            if (event === 'build') for (const w of waiters.splice(0)) w(JSON.parse(data));
          }
        });
      })
      .on('error', reject);
  });
  const frame = async (version) => {
    const res = await fetch(`${server.url.replace(/\/$/, '')}/issues/${ISSUE_SLUG}/frame?part=html&v=${version}`);
    return res.text();
  };
  const times = [];
  for (let i = 1; i <= rounds + 1; i++) {
    const marker = `(rev. ${i})`;
    const started = performance.now();
    const built = new Promise((resolve) => {
      const wait = (m) => (m.changed?.[ISSUE_SLUG] === 'frames' ? resolve(m) : waiters.push(wait));
      waiters.push(wait);
    });
    editArticle(root, i % 5, i);
    const m = await built;
    if (process.env.BENCH_VERBOSE)
      progress(`save ${i}: build ${m.ms} ms, event after ${(performance.now() - started).toFixed(0)} ms`);
    const html = await frame(m.version);
    if (!html.includes(marker)) throw new Error(`the frame after save ${i} does not show ${marker}`);
    if (i > 1) times.push(performance.now() - started); // the first save warms the JIT up
    await new Promise((r) => setTimeout(r, 150)); // the editor types between saves
  }
  const r = row({
    id: 'preview-reload',
    figure: 'preview: save to reloaded frame, 5 articles',
    gazette: summary(times, 'ms'),
    peer: null,
    goal: `<= ${GOAL_MS} ms`,
  });
  r.pass = r.gazette.median <= GOAL_MS;
  r.note = `no browser paint; React Email's debounce alone is 150 ms${process.env.BENCH_LIB ? `; lib ${lib}` : ''}`;
  progress(
    `preview reload: median ${r.gazette.median.toFixed(0)} ms [${r.gazette.min.toFixed(0)}-${r.gazette.max.toFixed(0)}]`,
  );
  emit([r]);
} finally {
  await server.close();
  removeRoot(root);
}
