import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz } from '../../helpers/run.js';
import { DIGEST, FEATURE, only, sampleFixture, type Fixture } from './fixture.js';

const ARTICLE = 'content/articles/leftover-review.md';
const ISSUE = 'content/issues/scaffold-week.md';

/** The 1-based line of a file's text that holds `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not found`);
  return text.slice(0, at).split('\n').length;
}

describe('hygiene/scaffold-text: what gazette new wrote for the editor to replace', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
    const a = await gz(['new', 'article', 'Leftover review', '--root', fx.root, '--date', '2025-11-30']);
    const i = await gz(['new', 'issue', 'Scaffold week', '--root', fx.root, '--date', '2025-12-01']);
    expect([a.code, a.stderr, i.code, i.stderr]).toEqual([0, '', 0, '']);
  });
  afterAll(() => fx.cleanup());

  it('leaves the sample alone', async () => {
    for (const issue of [FEATURE, DIGEST]) expect(only(await fx.check(issue), 'hygiene/scaffold-text')).toEqual([]);
  });

  it('warns for "Your Name", the article placeholder and the intro placeholder, at their lines', async () => {
    const article = await fx.read(ARTICLE);
    const issue = await fx.read(ISSUE);
    const ds = only(await fx.check('scaffold-week'), 'hygiene/scaffold-text');
    expect(ds.map((d) => [d.severity, d.file, d.line, d.field])).toEqual([
      ['warning', ARTICLE, lineOf(article, 'name: Your Name'), 'author.name'],
      ['warning', ARTICLE, lineOf(article, 'Write the article here'), undefined],
      ['warning', ISSUE, lineOf(issue, 'Write the introduction'), undefined],
    ]);
    expect(ds[0]!.message).toContain('"Your Name"');

    // `gazette check` prints them where an editor can jump, and --strict fails on them.
    const r = await gz(['check', '--root', fx.root, '--issue', 'scaffold-week', '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${ARTICLE}:${lineOf(article, 'name: Your Name')}:`);
    expect(r.stderr).toContain('[hygiene/scaffold-text]');
  });

  it('stops once the editor has replaced them', async () => {
    await fx.edit(ARTICLE, 'name: Your Name', 'name: Ada Writer');
    await fx.edit(ARTICLE, /Write the article here in Markdown[^\n]*\n[^\n]*\n/, 'The review itself.\n');
    await fx.edit(ISSUE, 'Write the introduction of this issue here.', 'This week: a review.');
    expect(only(await fx.check('scaffold-week'), 'hygiene/scaffold-text')).toEqual([]);
  });
});
