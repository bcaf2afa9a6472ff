import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { tempRoot } from '../helpers/preview.js';
import { REPO, article, issue, makeRoot } from '../helpers/root.js';
import { gz } from '../helpers/run.js';

const runCli = (args: string[], env: NodeJS.ProcessEnv = {}) => gz(args, { env });

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot('gazette-new-'));
});
afterAll(async () => cleanup?.());

describe('gazette new', () => {
  it('scaffolds an article and an issue that build cleanly', async () => {
    const a = await runCli(['new', 'article', 'Café Müller reopens on campus', '--root', root, '--date', '2026-01-05']);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('content/articles/cafe-muller-reopens-on-campus.md');
    const article = await readFile(path.join(root, 'content/articles/cafe-muller-reopens-on-campus.md'), 'utf8');
    expect(article).toContain('title: "Café Müller reopens on campus"');
    expect(article).toContain('date: 2026-01-05');
    for (const key of [
      'author:',
      'authors',
      'role:',
      'email:',
      'dek:',
      'image:',
      'src:',
      'alt:',
      'credit:',
      'section:',
      'url:',
      'lang:',
      'dir:',
      'excerpt:',
    ])
      expect(article).toContain(key);

    const i = await runCli(['new', 'issue', '--root', root, '--date', '2026-01-06']);
    expect(i.code).toBe(0);
    expect(i.stdout).toContain('content/issues/issue-2026-01-06.md');
    const issue = await readFile(path.join(root, 'content/issues/issue-2026-01-06.md'), 'utf8');
    for (const key of ['title:', 'date: 2026-01-06', 'number: 43', 'preheader:', 'layout: digest', 'articles:'])
      expect(issue).toContain(key);
    // The new article is the only one no issue uses yet.
    expect(issue).toMatch(/articles:\n {2}- cafe-muller-reopens-on-campus\n/);

    const result = await buildIssue({ root, issue: 'issue-2026-01-06' });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(result.issues[0]!.html).toContain('Café Müller reopens on campus');
  });

  it('refuses to overwrite, and says what to do', async () => {
    const again = await runCli(['new', 'article', 'Café Müller reopens on campus', '--root', root]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'content/articles/cafe-muller-reopens-on-campus.md already exists; not overwriting it [new/exists]',
    );
    expect(again.stderr).toContain('hint: Choose another title');
    const upper = await runCli(['new', 'article', 'x', '--slug', 'CAFE-MULLER-REOPENS-ON-CAMPUS', '--root', root]);
    expect(upper.code).toBe(1);
    expect(upper.stderr).toContain('[new/exists]');
  });

  it('makes unicode slugs from non-Latin titles, and a feature issue with one article', async () => {
    const a = await runCli(['new', 'article', 'أمسية للشعر في المكتبة', '--root', root, '--date', '2026-01-07']);
    expect(a.code).toBe(0);
    const file = path.join(root, 'content/articles/امسية-للشعر-في-المكتبة.md');
    expect(await readFile(file, 'utf8')).toContain('title: "أمسية للشعر في المكتبة"');
    const i = await runCli([
      'new',
      'issue',
      'Poetry night: a feature',
      '--layout',
      'feature',
      '--root',
      root,
      '--date',
      '2026-01-08',
    ]);
    expect(i.code).toBe(0);
    const issue = await readFile(path.join(root, 'content/issues/poetry-night-a-feature.md'), 'utf8');
    expect(issue).toMatch(/layout: feature\n/);
    expect(issue).toMatch(/articles:\n {2}- امسية-للشعر-في-المكتبة\n#/);
    const result = await buildIssue({ root, issue: 'poetry-night-a-feature' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await rm(file);
    await rm(path.join(root, 'content/issues/poetry-night-a-feature.md'));
  });

  it("proposes a publication's first issue: newest articles first, numbered 1, titled after the lead story", async () => {
    const { root: fresh, cleanup: done } = await makeRoot({
      articles: {
        'apple-harvest': article({ title: 'Apple harvest', date: '2026-01-02' }),
        'zebra-crossing': article({ title: 'Zebra crossing reopens', date: '2026-01-09' }),
        'middle-ground': article({ title: 'Middle ground', date: '2026-01-05' }),
        'not-yet': article({ title: 'Not yet', date: '2026-01-10', draft: 'true' }),
      },
    });
    try {
      const i = await runCli(['new', 'issue', '--root', fresh, '--date', '2026-01-12']);
      expect(i.stderr).toBe('');
      expect(i.code).toBe(0);
      const text = await readFile(path.join(fresh, 'content/issues/issue-2026-01-12.md'), 'utf8');
      expect(text).toContain('title: "Test Weekly #1: Zebra crossing reopens"');
      expect(text).toMatch(/\nnumber: 1\n/);
      // Newest first by date, not by file name; the draft is only suggested.
      expect(text).toMatch(
        /articles:\n {2}- zebra-crossing\n {2}- middle-ground\n {2}- apple-harvest\n# Other articles: not-yet\n/,
      );
      const result = await buildIssue({ root: fresh, issue: 'issue-2026-01-12' });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.issues[0]!.issue.title).toBe('Test Weekly #1: Zebra crossing reopens');
    } finally {
      await done();
    }
  });

  it("takes the layouts build accepts: the root's own templates/layouts/<name>.mjml.hbs", async () => {
    const digest = await readFile(path.join(REPO, 'templates/layouts/digest.mjml.hbs'), 'utf8');
    const { root: own, cleanup: done } = await makeRoot({
      articles: { one: article({ title: 'One' }) },
      issues: { first: issue(['one'], { number: '1' }) },
      templates: { 'layouts/letter.mjml.hbs': digest },
    });
    try {
      const i = await runCli(['new', 'issue', 'A letter', '--layout', 'letter', '--root', own, '--date', '2026-01-12']);
      expect(i.stderr).toBe('');
      expect(i.code).toBe(0);
      const text = await readFile(path.join(own, 'content/issues/a-letter.md'), 'utf8');
      expect(text).toMatch(/\nlayout: letter\n/);
      expect(text).toMatch(/\nnumber: 2\n/);
      const result = await buildIssue({ root: own, issue: 'a-letter' });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // A layout neither the theme nor the root has is still refused, naming the root's own.
      const bad = await runCli(['new', 'issue', '--layout', 'leter', '--root', own]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('unknown layout "leter"');
      expect(bad.stderr).toContain("or one of this root's: letter");
      // confirm is the sign-up email's layout, not an issue's.
      expect((await runCli(['new', 'issue', '--layout', 'confirm', '--root', own])).code).toBe(1);
    } finally {
      await done();
    }
  });

  it.each([
    [['new'], 'what should be created?'],
    [['new', 'chapter', 'X'], 'cannot create "chapter X"'],
    [['new', 'article'], 'an article needs a title'],
    [['new', 'article', '🎉 !!'], 'no slug can be made from the title'],
    [['new', 'article', 'Fine', '--slug', '../escape'], 'cannot be used as a file name'],
    [['new', 'article', 'Fine', '--date', '2026-02-30'], 'is not a date'],
    [['new', 'issue', '--layout', 'magazine'], 'unknown layout "magazine"'],
  ])('gazette %j fails with a clear message', async (args, message) => {
    const r = await runCli([...args, '--root', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint:');
  });

  it('needs a root with content/', async () => {
    const r = await runCli(['new', 'article', 'Hello', '--root', path.join(root, 'content', 'assets')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no content/ folder');
  });
});

describe('gazette screenshot without Chromium', () => {
  it('says how to install it', async () => {
    const r = await runCli(['screenshot', '--root', root], { CHROMIUM_PATH: path.join(root, 'no-chromium-here') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Chromium was not found');
    expect(r.stderr).toContain('apt-get install chromium');
    expect(r.stderr).toContain('[screenshot/no-chromium]');
  });
});
