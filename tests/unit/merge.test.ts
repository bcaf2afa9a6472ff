import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/compose/markdown.js';
import {
  compileFill,
  findMergeTags,
  isSentinel,
  protectMergeTags,
  restoreMergeTags,
  sentinelFor,
} from '../../src/render/merge.js';
import { safeUrl } from '../../src/render/template.js';
import { themeOf } from '../../src/render/theme.js';
import type { Publication } from '../../src/types.js';

describe('merge tags', () => {
  it('survive as inert sentinels and come back canonical, with their source line', () => {
    const { text, tags } = protectMergeTags(
      'line one\nHi {{ subscriber.first_name | default: "friend" }}!\n{{unsubscribe_url}}',
      'content/issues/x.md',
      10,
    );
    expect(text).not.toContain('{{');
    expect(text).toMatch(/^[\w\s!]+$/);
    expect(tags).toEqual([
      {
        name: 'subscriber.first_name',
        column: 'first_name',
        fallback: 'friend',
        file: 'content/issues/x.md',
        line: 11,
      },
      { name: 'unsubscribe_url', file: 'content/issues/x.md', line: 12 },
    ]);
    expect(restoreMergeTags(text, 'text')).toBe(
      'line one\nHi {{subscriber.first_name | default: "friend"}}!\n{{unsubscribe_url}}',
    );
  });

  it('fills HTML with escaped values, fallbacks, and URL-encoding inside href', () => {
    const html =
      '<p>Hi {{subscriber.name | default: "reader"}}</p><a href="https://x.example/p?ref={{subscriber.ref}}">x</a><a href="{{unsubscribe_url}}">u</a>';
    const fill = compileFill(html, 'html');
    expect(fill.columns).toEqual(['name', 'ref']);
    expect(fill.fill({ name: '<script>"Bob" & co</script>', ref: 'a b&c' }, 'https://x.example/u?token=t&x=1')).toBe(
      '<p>Hi &lt;script&gt;&quot;Bob&quot; &amp; co&lt;/script&gt;</p><a href="https://x.example/p?ref=a%20b%26c">x</a><a href="https://x.example/u?token=t&amp;x=1">u</a>',
    );
    expect(fill.fill({ name: '  ' }, '')).toContain('Hi reader');
  });

  it('fills text with plain values and never adds a line', () => {
    const fill = compileFill('Hi {{subscriber.name}},\n', 'text');
    expect(fill.fill({ name: 'Ann\r\nBcc: evil@example.org' }, '')).toBe('Hi Ann Bcc: evil@example.org,\n');
    expect(fill.fill({ name: '<b>&</b>' }, '')).toBe('Hi <b>&</b>,\n');
  });

  it('finds tags in built files', () => {
    expect(
      findMergeTags('{{subscriber.a}} {{subscriber.b | default: "x \\"y\\""}}').map((t) => [t.column, t.fallback]),
    ).toEqual([
      ['a', undefined],
      ['b', 'x "y"'],
    ]);
  });

  it('restores only sentinels of real merge tags: a hand-written one never decodes to markup', () => {
    const forged = sentinelFor('<script>alert(1)</script>');
    expect(restoreMergeTags(`a ${forged} b`, 'html')).toBe(`a ${forged} b`);
    const theme = themeOf({ accentColor: '#8a1c2b' } as Publication);
    const md = renderMarkdown(`Hi ${forged} there.`, { baseUrl: 'https://x.example', dir: 'ltr', theme });
    expect(restoreMergeTags(md.html, 'html')).not.toContain('<script');
    expect(restoreMergeTags(md.text, 'text')).not.toContain('<script');
    expect(restoreMergeTags(sentinelFor('{{unsubscribe_url}}'), 'html')).toBe('{{unsubscribe_url}}');
  });

  it('lets URL helpers pass through exactly one genuine sentinel, nothing that only starts like one', () => {
    const genuine = sentinelFor('{{unsubscribe_url}}');
    expect(isSentinel(genuine)).toBe(true);
    expect(safeUrl(genuine)).toBe(genuine);
    expect(isSentinel('GZMTzz" title="injected')).toBe(false);
    expect(safeUrl('GZMTzz" title="injected')).toBe('#');
    expect(isSentinel(`${genuine}" onerror="x`)).toBe(false);
  });

  it('reads only the columns a subscriber has, never inherited properties', () => {
    const fill = compileFill('<p>{{subscriber.constructor}}|{{subscriber.toString | default: "x"}}</p>', 'html');
    expect(fill.fill({}, '')).toBe('<p>|x</p>');
    expect(fill.fill({ constructor: 'C' } as Record<string, string>, '')).toBe('<p>C|x</p>');
  });
});
