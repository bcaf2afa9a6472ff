import { createRequire } from 'node:module';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/compose/markdown.js';
import { themeOf } from '../../src/render/theme.js';
import type { Publication } from '../../src/types.js';

// Every CommonMark spec example (commonmark-spec 0.31.2, 652 examples) goes through compose's
// Markdown stage. The visible text of the spec's expected HTML must reach both the email HTML and
// the text part, unless the example is on the documented list of drops (docs/content.md,
// "CommonMark conformance"), each of which compose reports as a finding.

const spec = createRequire(import.meta.url)('commonmark-spec') as {
  tests: { markdown: string; html: string; section: string; number: number }[];
};
const publication = { url: 'https://news.example.org', accentColor: '#8a1c2b' } as Publication;
const opts = { baseUrl: publication.url, dir: 'ltr' as const, theme: themeOf(publication) };

/** Examples whose text Gazette leaves out on purpose, with the finding that says so. */
const DOCUMENTED_DROPS: Record<number, string> = {
  170: '<script> block: code never reaches readers',
  171: '<textarea> block: a form control',
  172: '<style> block: CSS never reaches readers',
  173: 'unclosed <style>: the rest of the document is style',
  176: '<style> block',
  178: '<script> block',
};

type Node = ReturnType<typeof parseDocument>['children'][number];

/** Text of HTML, as words: tags removed, entities decoded (script and style content included). */
function words(html: string): string[] {
  const out: string[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.type === 'text') out.push(n.data);
      else if ('children' in n) walk(n.children as Node[]);
      out.push(' ');
    }
  };
  walk(parseDocument(html, { decodeEntities: true }).children);
  return normalize(out.join('')).split(/\s+/).filter(Boolean);
}

/** Typography compose applies (smart quotes, dashes, ellipses) and whitespace, made comparable. */
function normalize(s: string): string {
  return s
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u2014/g, '---')
    .replace(/\u2013/g, '--')
    .replace(/\u2026/g, '...')
    .replace(/[\u00a9]/g, '(c)')
    .replace(/\u00a0/g, ' ')
    .replace(/\u2192/g, '\t');
}

function missing(expected: string[], actual: string): string[] {
  const hay = normalize(actual).replace(/\s+/g, '');
  return expected.filter((w) => !hay.includes(w));
}

describe('CommonMark conformance: no visible text lost', () => {
  const kept: number[] = [];
  const dropped: { n: number; section: string; html: string[]; text: string[]; notes: string[] }[] = [];
  for (const ex of spec.tests) {
    const r = renderMarkdown(ex.markdown.replace(/\u2192/g, '\t'), opts);
    const want = words(ex.html.replace(/\u2192/g, '\t'));
    const lostHtml = missing(want, words(r.html).join(' '));
    const lostText = missing(want, r.text);
    if (lostHtml.length || lostText.length)
      dropped.push({
        n: ex.number,
        section: ex.section,
        html: lostHtml,
        text: lostText,
        notes: r.notes.map((x) => x.code),
      });
    else kept.push(ex.number);
  }

  it('keeps the text of every example not on the documented list', () => {
    const undocumented = dropped.filter((d) => !(d.n in DOCUMENTED_DROPS));
    process.stdout.write(
      `CommonMark ${spec.tests.length} examples: ${kept.length} kept, ${dropped.length} dropped (documented)\n`,
    );
    expect(undocumented).toEqual([]);
    expect(kept.length + dropped.length).toBe(652);
  });

  it('reports every documented drop as a finding, and lists no example that is kept', () => {
    expect(dropped.map((d) => d.n)).toEqual(Object.keys(DOCUMENTED_DROPS).map(Number));
    for (const d of dropped) expect(d.notes, `example ${d.n}`).toContain('content/dropped-html');
  });
});
