import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/compose/markdown.js';
import { videoPage } from '../../src/compose/embeds.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { themeOf } from '../../src/render/theme.js';
import type { Publication } from '../../src/types.js';
import { article, issue, makeRoot } from '../helpers/root.js';

// What survives into both parts: every construct's text reaches the reader, or is reported.

const publication = { url: 'https://news.example.org', accentColor: '#8a1c2b' } as Publication;
const opts = { baseUrl: publication.url, dir: 'ltr' as const, theme: themeOf(publication), docId: 'post' };
const render = (src: string) => renderMarkdown(src, opts);

describe('constructs in both parts', () => {
  it('renders footnotes as linked references and a numbered list, in HTML and text', () => {
    const r = render('Tides rise twice a day.[^moon] Mostly.\n\n[^moon]: Because of the Moon, **mainly**.\n');
    expect(r.html).toMatch(
      /<sup class="footnote-ref"[^>]*><a href="#fn-post-1" id="fnref-post-1"[^>]*>\[1\]<\/a><\/sup>/,
    );
    expect(r.html).toMatch(/<li id="fn-post-1"[^>]*><p[^>]*>Because of the Moon, <strong[^>]*>mainly<\/strong>/);
    expect(r.html).not.toContain('[^moon]');
    expect(r.html).not.toMatch(/href="#[^"]*"[^>]*target=/); // in-page anchors do not open a new window
    expect(r.text).toBe('Tides rise twice a day.[1] Mostly.\n\n--------\n\n[1] Because of the Moon, mainly.');
  });

  it('keeps both parts of details/summary, visibly apart', () => {
    for (const src of [
      '<details><summary>Answer</summary>Forty-two</details>',
      '<details>\n<summary>Answer</summary>\n\nForty-two\n\n</details>',
    ]) {
      const r = render(src);
      expect(r.html).toMatch(
        /<div class="gz-details"[^>]*>\s*<p class="gz-summary"[^>]*>Answer<\/p>\s*(<p[^>]*>)?Forty-two/,
      );
      expect(r.html).not.toContain('<details');
      expect(r.text).toBe('Answer\n\nForty-two');
    }
  });

  it('turns an iframe and a lone YouTube or Vimeo link into a "Watch" link, with a note', () => {
    const r = render(
      [
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0" title="Launch day" width="560"></iframe>',
        'https://youtu.be/aqz-KE-bpKQ',
        '[The harbour at dawn](https://vimeo.com/76979871)',
        'A sentence with a link to [a video](https://www.youtube.com/watch?v=aqz-KE-bpKQ) stays a sentence.',
      ].join('\n\n'),
    );
    expect(r.html).not.toContain('<iframe');
    expect(r.html).toContain('href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"');
    expect(r.html).toMatch(
      /<p class="gz-embed"[^>]*><a href="https:\/\/www.youtube.com\/watch\?v=dQw4w9WgXcQ"[^>]*>Watch: Launch day<\/a>/,
    );
    expect(r.html).toContain('>Watch: the video on YouTube</a>');
    expect(r.html).toContain('>Watch: The harbour at dawn</a>');
    const text = r.text.replace(/\s+/g, ' ');
    expect(text).toContain('Watch: Launch day (https://www.youtube.com/watch?v=dQw4w9WgXcQ)');
    expect(text).toContain('Watch: the video on YouTube (https://www.youtube.com/watch?v=aqz-KE-bpKQ)');
    expect(text).toContain('Watch: The harbour at dawn (https://vimeo.com/76979871)');
    expect(text).toContain('link to a video (https://www.youtube.com/watch?v=aqz-KE-bpKQ) stays');
    expect(r.notes.map((n) => [n.code, n.line])).toEqual([
      ['content/embed', 1],
      ['content/embed', 3],
      ['content/embed', 5],
    ]);
  });

  it('maps video URLs to their watch pages, and nothing else', () => {
    expect(videoPage('https://player.vimeo.com/video/123456?h=x')?.href).toBe('https://vimeo.com/123456');
    expect(videoPage('//www.youtube.com/embed/abcdefghijk')?.href).toBe('https://www.youtube.com/watch?v=abcdefghijk');
    expect(videoPage('https://m.youtube.com/shorts/abcdefghijk')?.host).toBe('YouTube');
    expect(videoPage('https://youtube.com.evil.example/watch?v=abcdefghijk')).toBeUndefined();
    expect(videoPage('https://example.org/video/1')).toBeUndefined();
  });

  it('never lets style, script, noscript or form controls reach either part', () => {
    const r = render(
      [
        '<style>.x { color: red }</style>',
        '<script>track("SECRET-SCRIPT")</script>',
        'Before <noscript>Enable JS</noscript> after, <button>Press me</button> and <select><option>Opt</option></select>.',
        '<form action="/s">\n<label>Email <input name="e"></label>',
        '<button>Inside the form</button>',
        '</form>',
        'Visible end.',
      ].join('\n\n'),
    );
    for (const leaked of ['color: red', 'SECRET-SCRIPT', 'Enable JS', 'Press me', 'Opt', 'Email', 'Inside the form']) {
      expect(r.text).not.toContain(leaked);
      expect(r.html).not.toContain(leaked);
    }
    expect(r.text).toBe('Before after, and .\n\nVisible end.');
    const byTag = r.notes.map((n) => [n.severity, n.message.slice(0, n.message.indexOf('>') + 1), n.line]);
    expect(byTag).toEqual([
      ['info', '<style>', 1],
      ['info', '<script>', 3],
      ['info', '<noscript>', 5],
      ['warning', '<button>', 5],
      ['warning', '<select>', 5],
      ['warning', '<form>', 7],
    ]);
  });

  it('lets wide tables scroll in their own box and warns above four columns', () => {
    const four = '| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |';
    const six = '| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 |';
    const r = render(`${four}\n\ntext\n\n${six}`);
    expect(r.html.match(/<div class="gz-scroll" style="overflow-x:auto[^"]*"><table/g)).toHaveLength(2);
    expect(r.notes.map((n) => [n.code, n.line])).toEqual([['content/wide-table', 7]]);
    expect(r.notes[0]!.message).toContain('6 columns');
  });

  it('keeps code blocks wrapping, with their own text colour on their own background', () => {
    const r = render('```\nconst a_very_long_identifier_that_goes_on = "and on and on";\n```\n\nand `inline`');
    expect(r.html).toMatch(/<pre style="[^"]*background-color:#f4f2ee;color:#1f1f1f;[^"]*white-space:pre-wrap/);
    expect(r.html).toMatch(/<code style="[^"]*background-color:#f4f2ee;color:#1f1f1f;/);
  });
});

describe('issues keep every listed article', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a feature issue shows the first article in full and every other one as a teaser, in both parts', async () => {
    const root = await makeRoot({
      articles: {
        lead: article({ title: 'The lead story' }, 'Full body of the lead.[^1]\n\n[^1]: Lead note.'),
        second: article(
          { title: 'The second story', excerpt: 'Second teaser.' },
          'Body two.[^1]\n\n[^1]: Second note.',
        ),
        third: article({ title: 'The third story', excerpt: 'Third teaser.' }),
      },
      issues: { f: issue(['lead', 'second', 'third'], { layout: 'feature' }) },
    });
    cleanups.push(root.cleanup);
    const r = await buildIssue({ root: root.root });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [built] = r.issues;
    for (const part of [built!.html, built!.text]) {
      for (const s of [
        'The lead story',
        'Full body of the lead.',
        'The second story',
        'Second teaser.',
        'The third story',
        'Third teaser.',
      ])
        expect(part).toContain(s);
    }
  });
});
