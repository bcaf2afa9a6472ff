import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import type { Theme } from '../render/theme.js';
import type { TextDirection } from '../types.js';
import { isSentinel } from '../render/merge.js';
import { toPlainText } from './text.js';

export interface MarkdownOptions {
  /** Relative links and images resolve against this (publication.url). */
  baseUrl: string;
  dir: TextDirection;
  theme: Theme;
}

export interface RenderedMarkdown {
  /** Sanitized HTML with inline styles (Gmail drops most <style> rules). */
  html: string;
  /** Plain text, links written as `text (url)`. */
  text: string;
  /** The first paragraph as plain text, for excerpts. */
  firstParagraph: string;
}

// CommonMark + tables (markdown-it's default preset) with smart quotes and bare URLs and
// addresses linked; raw HTML is parsed, then sanitized below. Linkify costs more than the rest of
// the parse, so it runs only on sources that may hold something to link.
const md = new MarkdownIt('default', { html: true, linkify: false, typographer: true });
const mdLinkify = new MarkdownIt('default', { html: true, linkify: true, typographer: true });
const MAY_LINKIFY = /:\/\/|www\.|@/;

const ALLOWED_TAGS = [
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
  'hr',
  'figure',
  'figcaption',
  'span',
  'abbr',
  'cite',
  'q',
  'kbd',
];

// Rendered Markdown by exact input: unchanged articles and intros are not re-rendered on rebuild.
const rendered = new Map<string, RenderedMarkdown>();
const MAX_RENDERED = 2000;

export function renderMarkdown(src: string, opts: MarkdownOptions): RenderedMarkdown {
  const key = `${opts.baseUrl}\0${opts.dir}\0${JSON.stringify(opts.theme)}\0${src}`;
  const hit = rendered.get(key);
  if (hit) return hit;
  const parser = MAY_LINKIFY.test(src) ? mdLinkify : md;
  const tokens = parser.parse(src, {});
  const rawHtml = parser.renderer.render(tokens, parser.options, {});
  const result = {
    html: sanitize(rawHtml, opts),
    text: toPlainText(tokens, (href) => resolveUrl(href, opts.baseUrl)),
    firstParagraph: firstParagraph(tokens),
  };
  if (rendered.size >= MAX_RENDERED) rendered.delete(rendered.keys().next().value!);
  rendered.set(key, result);
  return result;
}

/** Absolute URL for a link or image; undefined for schemes that never belong in an email. */
export function resolveUrl(href: string, baseUrl: string): string | undefined {
  const h = href.trim();
  if (h.startsWith('#')) return h;
  if (isSentinel(h)) return h; // a merge tag standing for a whole URL
  try {
    const u = new URL(h, baseUrl + '/');
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function sanitize(html: string, { baseUrl, dir, theme }: MarkdownOptions): string {
  const start = dir === 'rtl' ? 'right' : 'left';
  const end = dir === 'rtl' ? 'left' : 'right';
  const heading = `font-family:${theme.fontHeading};color:${theme.text};line-height:1.3;font-weight:bold;`;
  const styles: Record<string, string> = {
    p: 'margin:0 0 16px;',
    h1: `${heading}font-size:26px;margin:32px 0 12px;`,
    h2: `${heading}font-size:23px;margin:32px 0 12px;`,
    h3: `${heading}font-size:20px;margin:28px 0 10px;`,
    h4: `${heading}font-size:18px;margin:24px 0 8px;`,
    h5: `${heading}font-size:17px;margin:20px 0 8px;`,
    h6: `${heading}font-size:16px;margin:20px 0 8px;`,
    a: `color:${theme.accent};text-decoration:underline;`,
    blockquote: `margin:24px 0;padding:4px 0;padding-${start}:18px;border-${start}:4px solid ${theme.accent};font-family:${theme.fontHeading};font-size:19px;line-height:1.5;font-style:italic;color:${theme.text};`,
    ul: `margin:0 0 16px;padding:0;padding-${start}:26px;`,
    ol: `margin:0 0 16px;padding:0;padding-${start}:26px;`,
    li: 'margin:0 0 8px;',
    table: 'width:100%;border-collapse:collapse;margin:0 0 20px;font-size:15px;line-height:1.4;',
    th: `text-align:${start};padding:8px 10px 8px 0;border-bottom:2px solid ${theme.text};font-weight:bold;vertical-align:bottom;`,
    td: `text-align:${start};padding:8px 10px 8px 0;border-bottom:1px solid ${theme.border};vertical-align:top;`,
    code: `font-family:Menlo,Consolas,'Courier New',monospace;font-size:15px;background-color:${theme.codeBackground};padding:1px 4px;border-radius:3px;`,
    pre: `margin:0 0 16px;padding:12px 14px;background-color:${theme.codeBackground};border-radius:4px;white-space:pre-wrap;word-wrap:break-word;font-size:14px;line-height:1.5;`,
    img: 'display:block;max-width:100%;height:auto;border:0;margin:0 auto;',
    hr: `border:0;border-top:1px solid ${theme.border};margin:28px 0;`,
    figure: 'margin:0 0 20px;',
    figcaption: `font-size:14px;color:${theme.muted};margin-top:6px;`,
    mark: 'background-color:#fff3b0;color:#1f1f1f;',
  };
  void end;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      '*': ['lang', 'dir', 'title', 'style'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['colspan', 'rowspan', 'scope'],
      td: ['colspan', 'rowspan'],
      ol: ['start', 'reversed'],
      abbr: ['title'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    // Everything else (script, style, iframe, object, form...) is dropped with its content.
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'iframe',
      'object',
      'embed',
      'template',
      'svg',
      'math',
    ],
    transformTags: {
      '*': (tagName, attribs) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(attribs)) if (k !== 'style' && !k.startsWith('on')) out[k] = v;
        const style = styles[tagName];
        if (style) out.style = style;
        if (tagName === 'a' && out.href !== undefined) {
          const href = resolveUrl(out.href, baseUrl);
          if (href === undefined) delete out.href;
          else out.href = href;
          out.target = '_blank';
          delete out.rel;
        }
        if (tagName === 'img' && out.src !== undefined) {
          const src = resolveUrl(out.src, baseUrl);
          if (src === undefined) delete out.src;
          else out.src = src;
          if (out.alt === undefined) out.alt = '';
        }
        return { tagName, attribs: out };
      },
    },
  });
}

function firstParagraph(tokens: Token[]): string {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'paragraph_open' && t.level === 0) {
      const inline = tokens[i + 1];
      if (inline?.type === 'inline') {
        const text = (inline.children ?? [])
          .filter((c) => c.type === 'text' || c.type === 'code_inline' || c.type === 'softbreak')
          .map((c) => (c.type === 'softbreak' ? ' ' : c.content))
          .join('')
          .trim();
        if (text) return text;
      }
    }
  }
  return '';
}
