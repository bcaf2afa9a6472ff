import MarkdownIt from 'markdown-it';
import { protectMergeTags, TAG_SOURCE } from '../render/merge.js';
import type { Diagnostic, MergeTag } from '../types.js';
import { lineAt } from '../util/lines.js';

// Merge tags live in prose only. Code spans and code blocks are literal text: `{{ page.title }}`
// in a Jekyll post or `{{.Name}}` in a Go one is shown as written, never filled, never flagged.
// In prose, `\{{` writes a literal `{{` (Markdown's backslash escape). Literal braces travel as
// letter-only sentinels and come back at the end of the build as `&#123;&#123;` in HTML (which
// reads the same but is never filled) and as `{{` in the text part.

const LIT_OPEN = 'GZLITOPENBRACES';
const LIT_CLOSE = 'GZLITCLOSEBRACES';

/** Other mailing tools' merge tags (Mailchimp, Sendy/Campaign Monitor, Smarty-style). */
const FOREIGN = /\*\|[A-Za-z0-9_:-]+\|\*|%%[A-Za-z_][\w-]*%%|\{\$[A-Za-z_]\w*\}/g;
const PLACEHOLDER = /\{\{[^{}\n]{0,60}(?:\}\})?|\}\}/g;
const MAY_MATTER = /\{\{|\}\}|\*\||%%|\{\$/;

const blockParser = new MarkdownIt('default', { html: true });

export interface ProseResult {
  text: string;
  tags: MergeTag[];
  diagnostics: Diagnostic[];
}

/** Merge tags of the prose as sentinels, code and escapes made literal, foreign tags reported. */
export function protectProse(src: string, file: string, firstLine: number): ProseResult {
  if (!MAY_MATTER.test(src)) return { text: src, tags: [], diagnostics: [] };
  const tags: MergeTag[] = [];
  const diagnostics: Diagnostic[] = [];
  let out = '';
  for (const { text, code, start } of segments(src)) {
    if (code) {
      out += literal(text);
      continue;
    }
    const line = firstLine + lineAt(src, start) - 1;
    // `\{{ ... }}`: literal up to its closing braces on the same line.
    const escaped = text
      .replace(/\\\{\{([^\n]*?)\}\}/g, (_m, inner: string) => LIT_OPEN + inner + LIT_CLOSE)
      .replace(/\\\{\{/g, LIT_OPEN)
      .replace(/\\\}\}/g, LIT_CLOSE);
    const p = protectMergeTags(escaped, file, line);
    tags.push(...p.tags);
    const lineOf = (offset: number) => line + lineAt(p.text, offset) - 1;
    for (const m of p.text.matchAll(FOREIGN))
      diagnostics.push({
        code: 'hygiene/foreign-merge-tag',
        severity: 'error',
        message: `"${m[0]}" is a merge tag of another mailing tool; Gazette does not fill it`,
        hint: 'Use Gazette\'s form: {{subscriber.<column>}} (e.g. {{subscriber.name | default: "reader"}}).',
        file,
        line: lineOf(m.index!),
      });
    for (const m of p.text.matchAll(PLACEHOLDER))
      diagnostics.push({
        code: 'hygiene/placeholder',
        severity: 'error',
        message: `"${m[0].trim()}" is not a Gazette merge tag and would reach readers as written`,
        hint: 'Write {{subscriber.<column>}} or {{unsubscribe_url}}; for literal braces use `code` or escape them as \\{{.',
        file,
        line: lineOf(m.index!),
      });
    out += p.text;
  }
  return { text: out, tags, diagnostics };
}

function literal(s: string): string {
  return s.replace(/\{\{/g, LIT_OPEN).replace(/\}\}/g, LIT_CLOSE);
}

const WORD_JOINER = '\u2060';

/**
 * Literal braces back, after merge tags are restored. In a text part nothing can be encoded, so a
 * literal that spells a real Gazette tag gets an invisible word joiner between its braces.
 */
export function restoreLiterals(s: string, kind: 'html' | 'text'): string {
  if (!s.includes('GZLIT')) return s;
  if (kind === 'html') return s.replaceAll(LIT_OPEN, '&#123;&#123;').replaceAll(LIT_CLOSE, '&#125;&#125;');
  const tag = new RegExp(`^${TAG_SOURCE}`);
  const closed = s.replaceAll(LIT_CLOSE, '}}');
  return closed.replace(new RegExp(LIT_OPEN, 'g'), (_m, offset: number, all: string) => {
    const rest = `{{${all.slice(offset + LIT_OPEN.length, offset + LIT_OPEN.length + 200).replaceAll(LIT_OPEN, '{{')}`;
    return tag.test(rest) ? `{${WORD_JOINER}{` : '{{';
  });
}

/** The source cut into prose and code (fenced and indented blocks, code spans), in order. */
function segments(src: string): { text: string; code: boolean; start: number }[] {
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const blocks: [number, number][] = [];
  for (const t of blockParser.parse(src, {}))
    if ((t.type === 'fence' || t.type === 'code_block') && t.map)
      blocks.push([lineStarts[t.map[0]]!, lineStarts[t.map[1]] ?? src.length]);
  const out: { text: string; code: boolean; start: number }[] = [];
  let at = 0;
  for (const [from, to] of [...blocks, [src.length, src.length] as [number, number]]) {
    rawCode(src.slice(at, from), at, out);
    if (to > from) out.push({ text: src.slice(from, to), code: true, start: from });
    at = to;
  }
  return out;
}

// Raw HTML code in Markdown (`<code>{{ page.title }}</code>`, `<pre>...</pre>`, `<kbd>`, `<samp>`)
// is code too: an editor who wrote it meant the braces to be shown.
const RAW_CODE = /<(code|pre|kbd|samp)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;

/** Raw HTML code elements of a prose stretch as code; the rest goes on to the code spans. */
function rawCode(text: string, base: number, out: { text: string; code: boolean; start: number }[]): void {
  let last = 0;
  for (const m of text.matchAll(RAW_CODE)) {
    spans(text.slice(last, m.index), base + last, out);
    out.push({ text: m[0], code: true, start: base + m.index });
    last = m.index + m[0].length;
  }
  spans(text.slice(last), base + last, out);
}

/** Code spans of a prose stretch: a run of n backticks up to the next run of exactly n. */
function spans(text: string, base: number, out: { text: string; code: boolean; start: number }[]): void {
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '`') continue;
    let n = 1;
    while (text[i + n] === '`') n++;
    const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
    close.lastIndex = i + n;
    const m = close.exec(text);
    const paragraphEnd = text.indexOf('\n\n', i);
    if (!m || (paragraphEnd !== -1 && m.index > paragraphEnd)) {
      i += n - 1;
      continue;
    }
    if (i > last) out.push({ text: text.slice(last, i), code: false, start: base + last });
    out.push({ text: text.slice(i, m.index + n), code: true, start: base + i });
    last = m.index + n;
    i = last - 1;
  }
  if (last < text.length) out.push({ text: text.slice(last), code: false, start: base + last });
}
