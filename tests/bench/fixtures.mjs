// Benchmark roots: the sample publication with N generated articles and one digest issue.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO, 'bin', 'gazette.js');
export const ISSUE_SLUG = 'bench-digest';
const SAMPLE = path.join(REPO, 'content');

/** The five sample articles as {data, body}, parsed once. */
function samples() {
  const dir = path.join(SAMPLE, 'articles');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const [, fm, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      return { data: YAML.parse(fm), body };
    });
}

const SAMPLES = samples();

export function articleSlug(i) {
  return `article-${String(i + 1).padStart(3, '0')}`;
}

/**
 * Article i: a sample article (cycled) with its own title, excerpt and an extra first paragraph,
 * so no two articles of a digest render the same. `edit` > 0 is an editor's later save.
 */
export function articleText(i, edit = 0) {
  const s = SAMPLES[i % SAMPLES.length];
  const tag = edit ? ` (rev. ${edit})` : '';
  const data = { ...s.data, title: `${s.data.title}: part ${i + 1}${tag}` };
  // Articles with a canonical url would all point to the same page; give each its own.
  if (data.url) data.url = `${data.url}-${i + 1}`;
  if (data.excerpt) data.excerpt = `${data.excerpt} (Dispatch ${i + 1}${tag}.)`;
  const lead = `Dispatch number ${i + 1}${tag}: this copy of the story was generated for the benchmark, with its own title and excerpt.\n\n`;
  return `---\n${YAML.stringify(data).trimEnd()}\n---\n\n${lead}${s.body.trimStart()}`;
}

function issueText(n) {
  const src = readFileSync(path.join(SAMPLE, 'issues', 'weekly-digest-2025-11-21.md'), 'utf8');
  const [, fm, body] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(src);
  const data = {
    ...YAML.parse(fm),
    title: `Bench digest with ${n} article${n === 1 ? '' : 's'}`,
    articles: Array.from({ length: n }, (_, i) => articleSlug(i)),
  };
  return `---\n${YAML.stringify(data).trimEnd()}\n---\n${body}`;
}

/** A temporary root with the sample publication and assets, N articles and the digest `bench-digest`. */
export function makeRoot(n) {
  const root = mkdtempSync(path.join(os.tmpdir(), `gazette-bench-${n}-`));
  mkdirSync(path.join(root, 'content', 'articles'), { recursive: true });
  mkdirSync(path.join(root, 'content', 'issues'), { recursive: true });
  cpSync(path.join(SAMPLE, 'publication.yml'), path.join(root, 'content', 'publication.yml'));
  cpSync(path.join(SAMPLE, 'assets'), path.join(root, 'content', 'assets'), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(articlePath(root, i), articleText(i));
  writeFileSync(path.join(root, 'content', 'issues', `${ISSUE_SLUG}.md`), issueText(n));
  // The bench sends to local sinks; the sample's public site is not what is measured.
  writeFileSync(path.join(root, '.env'), 'GAZETTE_SKIP_LIVE_CHECK=1\n');
  return root;
}

export function articlePath(root, i) {
  return path.join(root, 'content', 'articles', `${articleSlug(i)}.md`);
}

/** An editor saving article i again with a new title and body. */
export function editArticle(root, i, edit) {
  writeFileSync(articlePath(root, i), articleText(i, edit));
}

/** A recipients CSV with `rows` addresses (email,name), written in one go. */
export function writeRecipients(file, rows) {
  const lines = ['email,name'];
  for (let i = 0; i < rows; i++) lines.push(`reader${i}@bench.example,Reader ${i}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Gazette's build of the bench digest in `root` (lib/ loaded on first use); throws if it fails. */
export async function buildDigest(root) {
  const { buildIssue } = await import('../../lib/pipeline/build.js');
  const r = await buildIssue({ root, issue: ISSUE_SLUG });
  if (!r.ok) throw new Error(`Gazette build failed: ${JSON.stringify(r.diagnostics.slice(0, 3))}`);
  return { rendered: r.issues[0], content: r.content };
}

export function removeRoot(root) {
  rmSync(root, { recursive: true, force: true });
}
