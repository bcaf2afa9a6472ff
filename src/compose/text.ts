import type { Token } from 'markdown-it';
import { restoreMergeTags } from '../render/merge.js';
import { HtmlText, type TextSink } from './html-text.js';

const WIDTH = 72;

/**
 * Plain-text rendering of Markdown tokens for the text/plain part: paragraphs wrapped at 72
 * columns, headings underlined, lists and quotes prefixed, links written as `text (url)`.
 */
export function toPlainText(
  tokens: Token[],
  resolve: (href: string) => string | undefined,
): { text: string; dropped: { tag: string; line: number }[] } {
  const blocks: string[] = [];
  // Raw HTML, read as one stream so that an element may span several blocks.
  const html = new HtmlText(resolve);
  // Items of a tight list (no blank lines between them in the Markdown) stay on adjacent lines.
  const tight = new Set<number>();
  let hiddenParagraph = false;
  const prefixes: string[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  let pendingItemMarker: string | undefined;
  let headingLevel = 0;
  let table: string[][] | undefined;
  let row: string[] | undefined;

  const push = (text: string) => {
    const prefix = prefixes.join('');
    const marker = pendingItemMarker;
    pendingItemMarker = undefined;
    const lines = wrap(text, WIDTH - prefix.length - (marker ? marker.length : 0));
    const indent = marker ? ' '.repeat(marker.length) : '';
    if (hiddenParagraph && marker) tight.add(blocks.length);
    blocks.push(lines.map((l, i) => prefix + (i === 0 && marker ? marker : indent) + l).join('\n'));
  };

  for (const t of tokens) {
    const line = (t.map?.[0] ?? 0) + 1;
    // Inside a <form>, <noscript>... opened by raw HTML: Markdown between is hidden too.
    if (html.hiding && t.type !== 'html_block' && t.type !== 'inline') continue;
    switch (t.type) {
      case 'paragraph_open':
        hiddenParagraph = t.hidden;
        break;
      case 'heading_open':
        headingLevel = Number(t.tag.slice(1));
        break;
      case 'heading_close':
        headingLevel = 0;
        break;
      case 'blockquote_open':
        prefixes.push('> ');
        break;
      case 'blockquote_close':
        prefixes.pop();
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1]!;
        pendingItemMarker = '  '.repeat(lists.length - 1) + (list.ordered ? `${list.n++}. ` : '- ');
        break;
      }
      case 'table_open':
        table = [];
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        if (row && table) table.push(row);
        row = undefined;
        break;
      case 'table_close':
        if (table) blocks.push(table.map((r) => prefixes.join('') + r.join(' | ')).join('\n'));
        table = undefined;
        break;
      case 'hr':
        blocks.push(prefixes.join('') + '-'.repeat(24));
        break;
      case 'code_block':
      case 'fence':
        blocks.push(
          t.content
            .replace(/\n$/, '')
            .split('\n')
            .map((l) => prefixes.join('') + '    ' + l)
            .join('\n'),
        );
        break;
      case 'html_block':
        for (const para of html.block(t.content, line)) push(para);
        break;
      case 'footnote_block_open':
        blocks.push(prefixes.join('') + '-'.repeat(8));
        break;
      case 'footnote_open':
        pendingItemMarker = `[${Number(t.meta?.id ?? 0) + 1}] `;
        break;
      case 'inline': {
        const text = inlineText(t.children ?? [], resolve, html, line);
        // A paragraph that held only hidden HTML (`<noscript>...</noscript>` inline) leaves nothing.
        if (!text.trim() && !pendingItemMarker && !row) break;
        if (row) {
          row.push(text);
        } else if (headingLevel) {
          const underline = (headingLevel <= 2 ? '=' : '-').repeat(Math.min(WIDTH, [...text].length));
          blocks.push(prefixes.join('') + text + '\n' + prefixes.join('') + underline);
        } else {
          push(text);
        }
        break;
      }
    }
  }
  const text = blocks.map((b, i) => (i === 0 ? b : (tight.has(i) && tight.has(i - 1) ? '\n' : '\n\n') + b)).join('');
  return { text, dropped: html.dropped };
}

function inlineText(
  children: Token[],
  resolve: (href: string) => string | undefined,
  html: HtmlText,
  line: number,
): string {
  const sink: TextSink = { out: '' };
  const linkStack: { href?: string; start: number }[] = [];
  for (const c of children) {
    if (html.hiding && c.type !== 'html_inline') continue;
    let out = sink.out;
    switch (c.type) {
      case 'text':
      case 'code_inline':
        out += c.content;
        break;
      case 'footnote_ref':
        out += `[${Number(c.meta?.id ?? 0) + 1}]`;
        break;
      case 'softbreak':
        out += ' ';
        break;
      case 'hardbreak':
        out += '\n';
        break;
      case 'image': {
        const alt = c.content || String(c.attrGet('alt') ?? '');
        if (alt) out += `[${alt}]`;
        break;
      }
      case 'html_inline':
        html.feed(c.content, sink, line);
        out = sink.out;
        break;
      case 'link_open':
        linkStack.push({ href: resolve(String(c.attrGet('href') ?? '')), start: out.length });
        break;
      case 'link_close': {
        const link = linkStack.pop();
        if (link?.href && !link.href.startsWith('#')) {
          const label = out.slice(link.start).trim();
          const bare = link.href.replace(/^mailto:/, '');
          if (label !== link.href && label !== bare) out += ` (${link.href})`;
        }
        break;
      }
    }
    sink.out = out;
  }
  return sink.out.replace(/\n{3,}/g, '\n\n');
}

/** Greedy word wrap; long words (URLs) stay whole on their own line. Keeps explicit newlines. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lineLength = 0;
    for (const word of para.split(/ +/)) {
      if (!word) continue;
      // A merge-tag sentinel is as wide as the tag it stands for, not as its hex encoding.
      const length = (word.includes('GZMT') ? restoreMergeTags(word, 'text') : word).length;
      if (line && lineLength + 1 + length > width) {
        out.push(line);
        [line, lineLength] = [word, length];
      } else {
        [line, lineLength] = line ? [`${line} ${word}`, lineLength + 1 + length] : [word, length];
      }
    }
    out.push(line);
  }
  return out;
}
