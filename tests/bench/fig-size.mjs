// Email HTML size: Gazette's built email against a hand-written MJML digest of the same content
// (tests/bench/peer-email.mjml.hbs, compiled with mjml's default options).
import { buildDigest, ISSUE_SLUG, makeRoot, removeRoot } from './fixtures.mjs';
import { peerBuild } from './peer-render.mjs';
import { emit, progress, row } from './stats.mjs';

const LIMIT = 80 * 1024;
const rows = [];
for (const n of [5, 20]) {
  const root = makeRoot(n);
  try {
    const gazette = Buffer.byteLength((await buildDigest(root)).rendered.html);
    const byHand = Buffer.byteLength(await peerBuild(root, ISSUE_SLUG, 'byHand'));
    const sameTheme = Buffer.byteLength(await peerBuild(root, ISSUE_SLUG));
    const one = (v) => ({ median: v, min: v, max: v, n: 1, unit: 'B' });
    const x = row({
      id: `size-${n}`,
      figure: `email HTML size, ${n} articles`,
      gazette: one(gazette),
      peer: one(byHand),
      goal: n === 20 ? '<= 80 KB' : 'report',
      note: `Gazette's theme through the peer pipeline: ${(sameTheme / 1024).toFixed(1)} KB`,
      extra: { sameThemePeerBytes: sameTheme },
    });
    x.pass = n === 20 ? gazette <= LIMIT : null;
    rows.push(x);
    progress(
      `size N=${n}: Gazette ${(gazette / 1024).toFixed(1)} KB, hand-written MJML ${(byHand / 1024).toFixed(1)} KB`,
    );
  } finally {
    removeRoot(root);
  }
}
emit(rows);
