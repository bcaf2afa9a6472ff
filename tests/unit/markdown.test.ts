import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/compose/markdown.js';
import { themeOf } from '../../src/render/theme.js';
import type { Publication } from '../../src/types.js';

const publication = { url: 'https://news.example.org', accentColor: '#8a1c2b' } as Publication;
const opts = { baseUrl: publication.url, dir: 'ltr' as const, theme: themeOf(publication) };

describe('markdown to email-safe HTML', () => {
  it('removes scripts, styles, iframes, event handlers and javascript: links', () => {
    const md = [
      '<script>alert(1)</script>',
      '<style>body{display:none}</style>',
      '<iframe src="https://evil.example"></iframe>',
      '<img src="x.png" onerror="alert(1)" alt="x">',
      '[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(1)">raw</a> <a href="data:text/html,hi">data</a>',
      '<p style="position:fixed" onclick="x()">styled</p>',
    ].join('\n\n');
    const { html } = renderMarkdown(md, opts);
    expect(html).not.toMatch(/<script|<style|<iframe|onerror|onclick|href="\s*javascript:|href="data:|position:fixed/i);
    expect(html).toContain('styled');
    expect(html).toContain('alt="x"');
  });

  it('resolves relative links and images against publication.url', () => {
    const { html, text } = renderMarkdown(
      '[schedule](/events/winter) and ![map](assets/map.png) and [ext](https://other.example/x)',
      opts,
    );
    expect(html).toContain('href="https://news.example.org/events/winter"');
    expect(html).toContain('src="https://news.example.org/assets/map.png"');
    expect(html).toContain('href="https://other.example/x"');
    expect(text).toContain('schedule (https://news.example.org/events/winter)');
  });

  it('inlines styles for tables, blockquotes, code and lists', () => {
    const md = '| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n\n`code`\n\n- one\n- two';
    const { html } = renderMarkdown(md, opts);
    for (const tag of ['table', 'th', 'td', 'blockquote', 'code', 'ul', 'li']) {
      expect(html).toMatch(new RegExp(`<${tag} style="[^"]+"`));
    }
    expect(html).toContain('border-left:4px solid #8a1c2b');
  });

  it('mirrors list and quote styles for right-to-left text', () => {
    const { html } = renderMarkdown('> اقتباس\n\n- بند', { ...opts, dir: 'rtl' });
    expect(html).toContain('border-right:4px solid');
    expect(html).toContain('padding-right:26px');
  });

  it('writes plain text with links as URLs, lists, quotes and tables', () => {
    const { text, firstParagraph } = renderMarkdown(
      'First *para* with [a link](https://x.example/a).\n\n## Heading\n\n1. one\n2. two\n\n> wise words\n\n| a | b |\n|---|---|\n| 1 | 2 |',
      opts,
    );
    expect(firstParagraph).toBe('First para with a link.');
    expect(text).toContain('a link (https://x.example/a)');
    expect(text).toContain('Heading\n=======');
    expect(text).toContain('1. one\n2. two');
    expect(text).toContain('> wise words');
    expect(text).toContain('a | b\n1 | 2');
    expect(text).not.toMatch(/<[a-z]/);
  });

  it('links bare URLs and addresses', () => {
    const { html } = renderMarkdown(
      'Write to editors@news.example.org or see https://www.example.org/events today.',
      opts,
    );
    expect(html).toContain('href="mailto:editors@news.example.org"');
    expect(html).toContain('href="https://www.example.org/events"');
    expect(renderMarkdown('No links here.', opts).html).not.toContain('<a ');
  });
});
