import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { REPO, article, copySample, issue, makeRoot } from '../helpers/root.js';

const run = promisify(execFile);
/** In-process: run(argv, io) with memory streams, from `cwd`. */
const gazette = (args: string[], cwd = REPO) => gz(args, { cwd });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A script that runs `gazette build --quiet` in-process and prints the CommonJS modules it loaded. */
function buildAndList(root: string): string {
  return `
      import { createRequire } from 'node:module';
      const { run } = await import(${JSON.stringify(path.join(REPO, 'lib/commands/build.js'))});
      const code = await run(['--root', ${JSON.stringify(root)}, '--quiet'], { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ code, loaded }));`;
}

describe('gazette build', () => {
  it('builds the sample into <root>/dist and prints where it is', async () => {
    const sample = await copySample();
    cleanups.push(sample.cleanup);
    const r = await gazette(['build', '--root', sample.root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Built 2 issues/);
    expect(r.stdout).toContain('kazakhstan-abraham-accords/email.html');
    for (const slug of ['kazakhstan-abraham-accords', 'weekly-digest-2025-11-21']) {
      const files = await readdir(path.join(sample.root, 'dist', slug));
      expect(files.sort()).toEqual(['email.html', 'email.txt', 'issue.json', 'web.html']);
      const summary = JSON.parse(await readFile(path.join(sample.root, 'dist', slug, 'issue.json'), 'utf8'));
      expect(summary).toMatchObject({ slug, bytes: { html: expect.any(Number), text: expect.any(Number) } });
      expect(summary.subject.length).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(sample.root, 'dist', 'assets', 'gazelle-logo.png'))).toBe(true);
  });

  it('prints every error as path:line:col with a hint, exits 1 and leaves the previous output untouched', async () => {
    const r0 = await makeRoot({ articles: { one: article() }, issues: { first: issue(['one']) } });
    cleanups.push(r0.cleanup);
    expect((await gazette(['build', '--root', r0.root])).code).toBe(0);
    const before = await readFile(path.join(r0.root, 'dist', 'first', 'email.html'), 'utf8');

    await writeFile(
      path.join(r0.root, 'content', 'articles', 'one.md'),
      article({ date: '2026-13-45', title: '"Changed"' }),
    );
    await writeFile(path.join(r0.root, 'content', 'articles', 'two.md'), '---\ntitle: [unclosed\n---\n');
    const r = await gazette(['build', '--root', r0.root], r0.root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^content\/articles\/one\.md:3:\d+: error: .*date/m);
    expect(r.stderr).toMatch(/^content\/articles\/two\.md:\d+:\d+: error: YAML syntax error/m);
    expect(r.stderr).toMatch(/^ {2}hint: /m);
    expect(r.stderr).toContain('Nothing was written');
    expect(await readFile(path.join(r0.root, 'dist', 'first', 'email.html'), 'utf8')).toBe(before);
    const leftovers = (await readdir(r0.root)).filter((f) => f.startsWith('.dist'));
    expect(leftovers).toEqual([]);
  });

  it('groups information notes one line per code; --verbose lists each, --quiet none', async () => {
    // Jekyll keys: each is a content/generator-field note at its line.
    const r0 = await makeRoot({
      articles: {
        one: article({ permalink: '/one/', categories: '[news]' }),
        two: article({ permalink: '/two/' }),
      },
      issues: { first: issue(['one', 'two']) },
    });
    cleanups.push(r0.cleanup);
    const r = await gazette(['build', '--root', r0.root], r0.root);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'info: 3 notes [content/generator-field]: A front-matter key of another site generator (Jekyll, Hugo, Eleventy: `layout`, `permalink`, `categories`...)\n' +
        '  (--verbose lists each note with its file, line and hint)\n',
    );
    const verbose = await gazette(['build', '--root', r0.root, '--verbose'], r0.root);
    expect(
      verbose.stderr.match(/^content\/articles\/(one|two)\.md:\d+:1: info: .*\[content\/generator-field\]$/gm),
    ).toHaveLength(3);
    expect(verbose.stderr).not.toContain('info: 3 notes');
    expect((await gazette(['build', '--root', r0.root, '--quiet'], r0.root)).stderr).toBe('');
  });

  it('fails on the errors check finds, and reports every stage in one run', async () => {
    const r0 = await makeRoot({
      articles: {
        one: article({}, 'A paragraph.\n\nSee [the draft](http://localhost:3000/draft) first.'),
        two: article({ date: 'tomorrow' }),
      },
      issues: { first: issue(['one'], { layout: 'feature' }), second: issue(['two'], { date: '2025-11-21' }) },
    });
    cleanups.push(r0.cleanup);
    const built = await gazette(['build', '--root', r0.root], r0.root);
    expect(built.code).toBe(1);
    // The loading error of one file and the check error of another issue, in the same run.
    expect(built.stderr).toMatch(/^content\/articles\/two\.md:3:\d+: error: .*date.*\[content\/invalid-field\]/m);
    expect(built.stderr).toMatch(/^content\/articles\/one\.md:9:\d+: error: .*localhost.*\[link\/localhost\]/m);
    expect(built.stderr).toContain('Nothing was written');
    expect(existsSync(path.join(r0.root, 'dist'))).toBe(false);
    // check reports the same errors.
    const checked = await gazette(['check', '--root', r0.root, '--format', 'json'], r0.root);
    expect(checked.code).toBe(1);
    const codes = (JSON.parse(checked.stdout).diagnostics as { code: string; severity: string }[])
      .filter((d) => d.severity === 'error')
      .map((d) => d.code)
      .sort();
    const builtCodes = [...built.stderr.matchAll(/: error: .*\[([\w/-]+)\]$/gm)].map((m) => m[1]).sort();
    expect(builtCodes).toEqual(codes);
    expect(codes).toEqual(['content/invalid-field', 'link/localhost']);
  });

  it('builds one issue with --issue and keeps the others', async () => {
    const r0 = await makeRoot({
      articles: { one: article() },
      issues: { first: issue(['one']), second: issue(['one'], { date: '2025-11-27' }) },
    });
    cleanups.push(r0.cleanup);
    expect((await gazette(['build', '--root', r0.root])).code).toBe(0);
    const r = await gazette(['build', '--root', r0.root, '--issue', 'second', '--out', 'dist']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Built 1 issue /);
    expect(existsSync(path.join(r0.root, 'dist', 'first', 'email.html'))).toBe(true);
    const bad = await gazette(['build', '--root', r0.root, '--issue', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no issue "nope"');
    expect(bad.stderr).toContain('second, first');
  });

  it('drops the output of an issue deleted from content/, and keeps other folders', async () => {
    const r0 = await makeRoot({
      articles: { one: article() },
      issues: { first: issue(['one']), second: issue(['one'], { date: '2025-11-27' }) },
    });
    cleanups.push(r0.cleanup);
    expect((await gazette(['build', '--root', r0.root])).code).toBe(0);
    await mkdir(path.join(r0.root, 'dist', 'screenshots'));
    await writeFile(path.join(r0.root, 'dist', 'screenshots', 'keep.png'), 'x');
    await rm(path.join(r0.root, 'content', 'issues', 'second.md'));
    expect((await gazette(['build', '--root', r0.root])).code).toBe(0);
    expect(existsSync(path.join(r0.root, 'dist', 'second'))).toBe(false);
    expect(existsSync(path.join(r0.root, 'dist', 'issues', 'second'))).toBe(false);
    expect(existsSync(path.join(r0.root, 'dist', 'first', 'email.html'))).toBe(true);
    expect(existsSync(path.join(r0.root, 'dist', 'screenshots', 'keep.png'))).toBe(true);
  });

  it('rejects unknown options with usage', async () => {
    const r = await gazette(['build', '--nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unknown option '--nope'");
    expect(r.stderr).toContain('gazette build [--root DIR]');
  });

  it('lists the newest five issues of a big archive and counts the rest (--verbose lists all)', async () => {
    const issues = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [`issue-${i + 1}`, issue(['one'], { date: `2025-11-0${i + 1}` })]),
    );
    const sample = await makeRoot({ articles: { one: article() }, issues });
    cleanups.push(sample.cleanup);
    const r = await gz(['build', '--root', sample.root]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Built 7 issues/);
    const named = [...r.stdout.matchAll(/^ {2}(issue-\d)$/gm)].map((m) => m[1]);
    expect(named).toEqual(['issue-7', 'issue-6', 'issue-5', 'issue-4', 'issue-3']);
    expect(r.stdout).toMatch(/\.\.\.and 2 older issues in \S*dist \(--verbose lists every one\)/);
    const verbose = await gz(['build', '--root', sample.root, '--verbose']);
    expect([...verbose.stdout.matchAll(/^ {2}(issue-\d)$/gm)]).toHaveLength(7);
    expect(verbose.stdout).not.toContain('older issue');
  });

  it('does not load nodemailer, SQLite or the browser', async () => {
    // A fresh process, so that its module cache shows what a build loads; the smallest root will do.
    const sample = await makeRoot({ articles: { one: article() }, issues: { first: issue(['one']) } });
    cleanups.push(sample.cleanup);
    const script = buildAndList(sample.root);
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const { code, loaded } = JSON.parse(stdout) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    expect(loaded.some((p) => p.includes('/node_modules/mjml-core/'))).toBe(true); // the probe sees CJS modules
    expect(loaded.filter((p) => /\/node_modules\/(nodemailer|better-sqlite3|playwright-core)\//.test(p))).toEqual([]);
  });

  it('reads well-formed front-matter without the positioned YAML parser (images and a logo included)', async () => {
    // The sample's articles have images and its publication a logo: locating those fields is for
    // the error that a missing file gets, not for every build.
    const sample = await copySample();
    cleanups.push(sample.cleanup);
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', buildAndList(sample.root)]);
    const { code, loaded } = JSON.parse(stdout) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    expect(loaded.filter((p) => /\/node_modules\/yaml\//.test(p))).toEqual([]);
  });

  it('loads neither MJML, Handlebars, sanitize-html, sharp nor the check rules when every issue comes from the build cache', async () => {
    const sample = await copySample();
    cleanups.push(sample.cleanup);
    const script = buildAndList(sample.root);
    // Their package.json is read for the cache's tool stamp; their code must not be.
    const heavy =
      /\/node_modules\/(mjml-core|handlebars|sanitize-html|sharp|caniemail|htmlparser2)\/(?!package\.json$)/;
    const cold = JSON.parse((await run(process.execPath, ['--input-type=module', '-e', script])).stdout);
    expect(cold.code).toBe(0);
    expect(cold.loaded.filter((p: string) => heavy.test(p)).length).toBeGreaterThan(0);
    const warm = JSON.parse((await run(process.execPath, ['--input-type=module', '-e', script])).stdout);
    expect(warm.code).toBe(0);
    expect(warm.loaded.filter((p: string) => heavy.test(p))).toEqual([]);
  });

  it('gives the same result through the library API', async () => {
    // The package's own name, resolved through package.json exports (lib/) as a user's code would.
    const specifier = 'gazette';
    const { buildIssue } = (await import(specifier)) as typeof import('../../src/index.js');
    const r = await buildIssue({ root: REPO, issue: 'kazakhstan-abraham-accords' });
    expect({ ok: r.ok, slugs: r.issues.map((i) => i.issue.slug) }).toEqual({
      ok: true,
      slugs: ['kazakhstan-abraham-accords'],
    });
    expect(r.issues[0]!.bytes.html).toBeGreaterThan(10_000);
  });
});
