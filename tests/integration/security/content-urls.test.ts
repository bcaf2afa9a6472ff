import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIssue } from '../../../src/pipeline/build.js';
import { escapeHtml } from '../../../src/render/merge.js';
import { REPO, article, issue, makeRoot } from '../../helpers/root.js';
import { buildSite } from '../../helpers/site.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('attack: javascript: URLs in front-matter (issue 12)', () => {
  it.each([
    ['article url', { url: '"javascript:alert(document.domain)"' }, 'url'],
    ['article url with a tab in the scheme', { url: '"java\\tscript:alert(1)"' }, 'url'],
    ['article url data:', { url: '"data:text/html,<script>alert(1)</script>"' }, 'url'],
    ['image src', { image: '{src: "javascript:alert(1)", alt: x}' }, 'image.src'],
    ['image src file:', { image: '{src: "file:///etc/passwd", alt: x}' }, 'image.src'],
  ])('refuses a %s at its line, so nothing reaches feed.xml, og:image, href or src', async (_n, fields, field) => {
    const r = await makeRoot({ articles: { a: article(fields) }, issues: { one: issue(['a']) } });
    cleanups.push(r.cleanup);
    const result = await buildIssue({ root: r.root });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'content/articles/a.md', field, line: expect.any(Number) }),
    );
  });

  it('refuses a javascript: logo in publication.yml', async () => {
    const { PUBLICATION } = await import('../../helpers/root.js');
    const r = await makeRoot({
      publication: PUBLICATION.replace('src: assets/logo.png', 'src: "javascript:alert(1)"'),
      articles: { a: article() },
      issues: { one: issue(['a']) },
    });
    cleanups.push(r.cleanup);
    const result = await buildIssue({ root: r.root });
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ file: 'content/publication.yml', field: 'logo.src' }),
    );
  });

  it('accepts https, http (reported as insecure) and mailto, and relative image paths', async () => {
    const r = await makeRoot({
      articles: {
        a: article({ url: 'https://elsewhere.example.org/a', image: '{src: assets/a.png, alt: A}' }),
        b: article({ url: 'http://elsewhere.example.org/b' }),
        c: article({ url: 'mailto:editors@news.example.org' }),
      },
      issues: { one: issue(['a', 'b', 'c']) },
    });
    cleanups.push(r.cleanup);
    // The image the front-matter names exists (a missing assets/ file is image/missing-file).
    await writeFile(
      path.join(r.root, 'content/assets/a.png'),
      await sharp({ create: { width: 40, height: 20, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    await buildSite(r.root);
    const feed = await readFile(path.join(r.root, 'dist', 'feed.xml'), 'utf8');
    expect(feed).toContain('https://elsewhere.example.org/a');
    const web = await readFile(path.join(r.root, 'dist', 'one', 'web.html'), 'utf8');
    expect(web).toContain('<meta property="og:image" content="https://news.example.org/assets/a.png">');
    const result = await buildIssue({ root: r.root });
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'content/insecure-url', file: 'content/articles/b.md', field: 'url' }),
    );
  });
});

describe("attack: $` $& $' in a title (issue 12)", () => {
  it('are written as they are, never expanded into the page', async () => {
    const title = "Prices: $` and $& and $' today";
    const r = await makeRoot({
      articles: { a: article() },
      issues: { one: issue(['a'], { title: JSON.stringify(title) }) },
    });
    cleanups.push(r.cleanup);
    await buildSite(r.root);
    const web = await readFile(path.join(r.root, 'dist', 'one', 'web.html'), 'utf8');
    expect(web).toContain(`<title>${escapeHtml(title)} | Test Weekly</title>`);
    expect(web.match(/<head>/g)).toHaveLength(1);
    expect(web.match(/<!doctype html>/gi)).toHaveLength(1);
  });

  it('no String.replace in src/ takes a replacement string built at run time', async () => {
    const files = (await readdir(path.join(REPO, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
    const offenders: string[] = [];
    for (const f of files) {
      const src = await readFile(path.join(REPO, 'src', f), 'utf8');
      // `.replace(pattern, `...${x}...`)` or `.replace(pattern, someVariable)`; module constants
      // (UPPER_CASE, fixed letters) are fine, and so are other objects' three-argument `replace`
      // methods (the suppression list's), which are not String.prototype.replace.
      for (const m of src.matchAll(/\.replace(?:All)?\(/g)) {
        const args = callArguments(src, m.index + m[0].length);
        if (args.length !== 2) continue;
        const second = args[1]!.trim();
        if (/^`[^`]*\$\{/.test(second) || (/^[A-Za-z_$][\w$.]*$/.test(second) && !/^[A-Z][A-Z0-9_]*$/.test(second)))
          offenders.push(`${f}: ${src.slice(m.index, m.index + 80)}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/** The top-level arguments of a call whose "(" ends just before `start` (strings and nesting skipped). */
function callArguments(src: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let from = start;
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === ')' && depth === 0) {
      args.push(src.slice(from, i));
      return args;
    } else if (c === ',' && depth === 0) {
      args.push(src.slice(from, i));
      from = i + 1;
    }
  }
  return args;
}
