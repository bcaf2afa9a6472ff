// Per-recipient cost: filling Gazette's built issue (html + text, split once per issue by
// compileFill) against re-rendering Handlebars + MJML for every recipient.
import { compileFill } from '../../lib/render/merge.js';
import { signToken, unsubscribeUrl } from '../../lib/util/token.js';
import { buildDigest, ISSUE_SLUG, makeRoot, removeRoot } from './fixtures.mjs';
import { loadContext, renderEmail } from './peer-render.mjs';
import { collectGarbage, emit, flag, progress, row, summary } from './stats.mjs';

const quick = flag('quick');
const GOAL_US = 20;
const SECRET = 'bench-secret-0123456789abcdef';
const rows = [];

for (const n of [5, 20]) {
  const root = makeRoot(n);
  try {
    const { rendered, content } = await buildDigest(root);
    const { html, text } = rendered;
    const endpoint = content.publication.unsubscribeUrl;
    const fillHtml = compileFill(html, 'html');
    const fillText = compileFill(text, 'text');
    const loaded = loadContext(root, ISSUE_SLUG);

    let sink = 0; // keeps the work observable so nothing is optimized away
    // fill() joins strings lazily (a V8 rope, ~2 us); reading a character flattens it into the
    // one string the sender then encodes, a cost personalization adds (encoding is paid by both).
    const flat = (str) => str.charCodeAt(str.length >> 1) + str.length;
    const perRecipient = (count, t0, c0) => {
      const c = process.cpuUsage(c0);
      return { wall: ((performance.now() - t0) * 1000) / count, cpu: (c.user + c.system) / count }; // us
    };
    const gazetteBatch = (count, withToken) => {
      const [t0, c0] = [performance.now(), process.cpuUsage()];
      for (let i = 0; i < count; i++) {
        const email = `reader${i}@bench.example`;
        const url = withToken
          ? unsubscribeUrl(endpoint, signToken({ email, issue: ISSUE_SLUG }, SECRET))
          : `${endpoint}?r=${i}`;
        const fields = { email, name: `Reader <${i}>` };
        sink += flat(fillHtml.fill(fields, url)) + flat(fillText.fill(fields, url));
      }
      return perRecipient(count, t0, c0);
    };
    const peerBatch = async (count) => {
      const [t0, c0] = [performance.now(), process.cpuUsage()];
      for (let i = 0; i < count; i++)
        sink += flat(await renderEmail(loaded, { name: `Reader ${i}`, unsubscribe: `${endpoint}?r=${i}` }));
      return perRecipient(count, t0, c0);
    };

    const runs = quick ? 3 : 7;
    const [gCount, pCount] = [quick ? 2000 : 10000, quick ? 3 : 8];
    gazetteBatch(gCount, false); // warm-up
    gazetteBatch(gCount, true);
    await peerBatch(2);
    const times = { fill: [], token: [], peer: [] };
    for (let i = 0; i < runs; i++) {
      collectGarbage();
      times.fill.push(gazetteBatch(gCount, false));
      collectGarbage();
      times.token.push(gazetteBatch(gCount, true));
      collectGarbage();
      times.peer.push(await peerBatch(pCount));
    }
    const of = (list, k) =>
      summary(
        list.map((v) => v[k]),
        'us',
      );
    const g = of(times.fill, 'wall');
    const t = of(times.token, 'wall');
    const x = row({
      id: `personalize-${n}`,
      figure: `personalize, per recipient, ${n} articles`,
      gazette: g,
      peer: of(times.peer, 'wall'),
      goal: `<= ${GOAL_US} us`,
      note: `cpu ${of(times.fill, 'cpu').median.toFixed(1)} us; with HMAC unsubscribe token ${t.median.toFixed(1)} us`,
      extra: {
        withToken: t,
        cpu: { gazette: of(times.fill, 'cpu'), withToken: of(times.token, 'cpu'), peer: of(times.peer, 'cpu') },
        htmlBytes: Buffer.byteLength(html),
        sink,
      },
    });
    x.pass = g.median <= GOAL_US;
    rows.push(x);
    progress(
      `personalize N=${n}: Gazette ${g.median.toFixed(1)} us (with token ${t.median.toFixed(1)} us), peer ${(x.peer.median / 1000).toFixed(1)} ms`,
    );
  } finally {
    removeRoot(root);
  }
}
emit(rows);
