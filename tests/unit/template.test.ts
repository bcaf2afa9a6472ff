import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { safeUrl } from '../../src/render/template.js';
import { article, issue, makeRoot, REPO } from '../helpers/root.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function build(templates: Record<string, string>, articles: Record<string, string> = { one: article() }) {
  const r = await makeRoot({ articles, issues: { first: issue(Object.keys(articles)) }, templates });
  cleanups.push(r.cleanup);
  return buildIssue({ root: r.root });
}

const builtin = (name: string) => readFile(path.join(REPO, 'templates', name), 'utf8');

describe('templates', () => {
  it("lets a root's own templates override built-in files one by one", async () => {
    const footer = (await builtin('partials/footer.mjml.hbs')).replace(
      '<mj-raw><!-- /gazette:email-only --></mj-raw>',
      '<mj-raw><!-- /gazette:email-only --></mj-raw><mj-section><mj-column><mj-text>Printed on recycled electrons</mj-text></mj-column></mj-section>',
    );
    const result = await build({ 'partials/footer.mjml.hbs': footer });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.issues[0]!.html).toContain('Printed on recycled electrons');
    // The rest of the theme still comes from the built-in files.
    expect(result.issues[0]!.html).toContain('Read more');
  });

  it('names the template file and line of a Handlebars syntax error', async () => {
    const header = (await builtin('partials/header.mjml.hbs')) + '\n{{#if issue.number}}\n';
    const result = await build({ 'partials/header.mjml.hbs': header });
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.code === 'template/syntax');
    expect(d).toMatchObject({ file: 'templates/partials/header.mjml.hbs' });
    expect(d!.line).toBeGreaterThan(1);
    expect(d!.hint).toBeTruthy();
  });

  it('names the template that uses a value the context lacks (strict mode)', async () => {
    const teaser = (await builtin('partials/teaser.mjml.hbs')).replace('{{title}}', '{{titel}}');
    const result = await build({ 'partials/teaser.mjml.hbs': teaser });
    const d = result.diagnostics.find((x) => x.code === 'template/missing-value');
    expect(d).toMatchObject({ file: 'templates/partials/teaser.mjml.hbs' });
    expect(d!.message).toContain('titel');
  });

  it('names the template file and line of invalid MJML (strict validation)', async () => {
    const teaser = (await builtin('partials/teaser.mjml.hbs')).replace('<mj-text align', '<mj-text colour="red" align');
    const result = await build({ 'partials/teaser.mjml.hbs': teaser });
    const d = result.diagnostics.find((x) => x.code === 'template/mjml');
    expect(d).toMatchObject({ file: 'templates/partials/teaser.mjml.hbs' });
    expect(d!.message).toContain('colour');
    const line = teaser.split('\n').findIndex((l) => l.includes('colour=')) + 1;
    expect(d!.line).toBe(line);
  });

  it('keeps prototype access blocked', async () => {
    const layout = (await builtin('layouts/digest.mjml.hbs')).replace(
      '{{issue.title}}',
      '{{issue.title}}[{{issue.constructor.name}}]',
    );
    const result = await build({ 'layouts/digest.mjml.hbs': layout });
    expect(result.issues).toEqual([]);
    expect(result.diagnostics.find((x) => x.code === 'template/missing-value')).toMatchObject({
      file: 'templates/layouts/digest.mjml.hbs',
    });
  });

  it('escapes &, < and " in titles', async () => {
    const result = await build({}, { one: article({ title: `'"Tom & Jerry" <3'` }) });
    const html = result.issues[0]!.html;
    expect(html).toContain('&quot;Tom &amp; Jerry&quot; &lt;3');
    expect(html).not.toContain('"Tom & Jerry" <3');
  });

  it('the url helper encodes and refuses unsafe schemes', () => {
    expect(safeUrl('javascript:alert(1)')).toBe('#');
    expect(safeUrl('https://x.example/a b?q="1"')).toBe('https://x.example/a%20b?q=%221%22');
    expect(safeUrl('data:text/html,x')).toBe('#');
  });
});

describe('custom layouts', () => {
  it('uses a layout from the root and reports a missing one at the issue file', async () => {
    const digest = await builtin('layouts/digest.mjml.hbs');
    const r = await makeRoot({
      articles: { one: article() },
      issues: { first: issue(['one'], { layout: 'letter' }), second: issue(['one'], { layout: 'poster' }) },
      templates: { 'layouts/letter.mjml.hbs': digest.replace('{{issue.title}}', 'Letter: {{issue.title}}') },
    });
    cleanups.push(r.cleanup);
    const result = await buildIssue({ root: r.root });
    expect(result.issues.map((i) => i.issue.slug)).toEqual(['first']);
    expect(result.issues[0]!.html).toContain('Letter: Issue title');
    const d = result.diagnostics.find((x) => x.code === 'template/missing-layout');
    expect(d).toMatchObject({ file: 'content/issues/second.md', field: 'layout' });
    expect(d!.hint).toContain('templates/layouts/poster.mjml.hbs');
  });
});

describe('labels', () => {
  it("speaks the issue's language in the theme and each article's in its teaser", async () => {
    const r = await makeRoot({
      publication: (await import('../helpers/root.js')).PUBLICATION.replace('language: en', 'language: fr'),
      articles: { one: article(), deux: article({ lang: 'ar-AE', title: 'عنوان' }) },
      issues: { first: issue(['one', 'deux'], { number: '7' }) },
    });
    cleanups.push(r.cleanup);
    const result = await buildIssue({ root: r.root });
    const html = result.issues[0]!.html;
    expect(html).toContain('Se désabonner');
    expect(html).toContain('Numéro&nbsp;7');
    expect(html).toContain('Plus de Test Weekly');
    expect(html).toContain('Lire la suite');
    expect(html).toContain('اقرأ المزيد&nbsp;&larr;');
    expect(html).not.toContain('Read more');
  });
});
