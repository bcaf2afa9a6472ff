// The cold-build peer: a bare script a user would run instead of `gazette build` for one issue.
// Usage: node tests/bench/peer-build.mjs ROOT [ISSUE_SLUG]; writes ROOT/peer-dist/<slug>/email.html.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { peerBuild } from './peer-render.mjs';

const root = path.resolve(process.argv[2] ?? '.');
const slugs = process.argv[3]
  ? [process.argv[3]]
  : readdirSync(path.join(root, 'content', 'issues'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
for (const slug of slugs) {
  const html = await peerBuild(root, slug);
  const out = path.join(root, 'peer-dist', slug);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'email.html'), html);
}
