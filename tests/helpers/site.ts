import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildIssue } from '../../src/pipeline/build.js';
import { siteFiles } from '../../src/output/site.js';
import { writeBuild } from '../../src/output/write.js';
import { CLI, copySample } from './root.js';

export { REPO } from './root.js';
export const BIN = CLI;
export const SECRET = 'test-secret-0123456789abcdef';

/** A temporary root holding a copy of the sample content/; `cleanup()` removes it. */
export const sampleRoot = copySample;

/** Adds an issue file to a root's content. */
export async function addIssue(
  root: string,
  slug: string,
  frontMatter: Record<string, string | number>,
  articles: string[],
): Promise<void> {
  const fm = Object.entries(frontMatter).map(([k, v]) => `${k}: ${typeof v === 'number' ? v : JSON.stringify(v)}`);
  const text = `---\n${fm.join('\n')}\nlayout: digest\narticles:\n${articles.map((a) => `  - ${a}`).join('\n')}\n---\n\nHello.\n`;
  await writeFile(path.join(root, 'content', 'issues', `${slug}.md`), text);
}

/** What `gazette build` does, in-process: build, then write dist/ with the archive and feed. */
export async function buildSite(root: string, issue?: string): Promise<void> {
  const result = await buildIssue({ root, issue });
  if (!result.ok)
    throw new Error(`build failed: ${JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error'))}`);
  await writeBuild(result, path.join(root, 'dist'), {
    siteFiles: await siteFiles(result.content!, result.issues),
    assetsDir: path.join(root, 'content', 'assets'),
    keepOtherIssues: issue !== undefined,
  });
}

/** Adds `draft: true` to the front-matter of a content file (relative to the root). */
export async function markDraft(root: string, file: string): Promise<void> {
  const text = await readFile(path.join(root, file), 'utf8');
  await writeFile(path.join(root, file), text.replace(/^---\n/, '---\ndraft: true\n'));
}

/** True when something exists at `p`. */
export const pathExists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
