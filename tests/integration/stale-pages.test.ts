import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { siteFiles } from '../../src/output/site.js';
import { writeBuild } from '../../src/output/write.js';
import { resolveStatic } from '../../src/server/static.js';
import { buildSite, sampleRoot, markDraft, pathExists } from '../helpers/site.js';

// Pages of what is no longer published (an issue or article turned draft, or deleted) must
// leave dist/ with the next build, also a `--issue` build of another issue.
const LATER_DRAFT = 'kazakhstan-abraham-accords';
const ARTICLE = 'finals-week-slow-down';
const CARRIER = 'weekly-digest-2025-11-21';

let root: string;
let cleanup: () => Promise<void>;
const dist = (p: string) => path.join(root, 'dist', p);
const exists = pathExists;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await buildSite(root);
});
afterAll(() => cleanup());

describe('pages of what is no longer published', () => {
  it('leave dist/ with a --issue build of another issue, and the archive and feed forget them', async () => {
    expect(await exists(dist(`issues/${LATER_DRAFT}/index.html`))).toBe(true);
    expect(await exists(dist(`articles/${ARTICLE}/index.html`))).toBe(true);
    await markDraft(root, `content/issues/${LATER_DRAFT}.md`);
    await markDraft(root, `content/articles/${ARTICLE}.md`);
    // The carrier would refuse to send with a draft article; for the site it still builds.
    await buildSite(root, CARRIER);
    expect(await exists(dist(`issues/${LATER_DRAFT}/index.html`))).toBe(false);
    expect(await exists(dist(`articles/${ARTICLE}/index.html`))).toBe(false);
    expect(await exists(dist(`issues/${CARRIER}/index.html`))).toBe(true);
    expect(await exists(dist('articles/arabic-poetry-evening/index.html'))).toBe(true);
    expect(await readFile(dist('index.html'), 'utf8')).not.toContain(LATER_DRAFT);
    expect(await readFile(dist('feed.xml'), 'utf8')).not.toContain(LATER_DRAFT);
    // gazette serve does not fall back to the draft's web.html at its public address.
    expect(await exists(dist(`${LATER_DRAFT}/web.html`))).toBe(true);
    expect(await resolveStatic(path.join(root, 'dist'), `/issues/${LATER_DRAFT}/`)).toBeUndefined();
  });

  it('a full build drops the page of an article turned draft, and the output of a deleted issue', async () => {
    await rm(path.join(root, 'content', 'issues', `${LATER_DRAFT}.md`));
    await buildSite(root, CARRIER);
    expect(await exists(dist(LATER_DRAFT))).toBe(false);
    await buildSite(root);
    expect(await exists(dist(`articles/${ARTICLE}/index.html`))).toBe(false);
    expect(await readdir(dist('articles'))).not.toContain(ARTICLE);
  });

  it('the public tree for a static host carries no draft folder', async () => {
    await markDraft(root, `content/issues/${CARRIER}.md`);
    const result = await buildIssue({ root });
    const pub = path.join(root, 'public');
    await writeBuild(result, pub, { siteFiles: await siteFiles(result.content!, result.issues), publicOnly: true });
    const all = (await readdir(pub, { recursive: true })).map((f) => f.split(path.sep).join('/'));
    expect(all.filter((f) => f.includes(CARRIER))).toEqual([]);
    expect(all).toContain('index.html');
  });
});
