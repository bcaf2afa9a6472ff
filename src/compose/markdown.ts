import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import footnote from 'markdown-it-footnote';
import sanitizeHtml from 'sanitize-html';
import type { BuildCache } from '../cache/build-cache.js';
import type { Theme } from '../render/theme.js';
import type { TextDirection } from '../types.js';
import { isSentinel } from '../render/merge.js';
import { embedsPlugin, type SourceNote } from './embeds.js';
import { HIDDEN_TAGS } from './html-text.js';
import { tablesPlugin } from './tables.js';
import { linesPlugin, type MarkSource, parseMark, withoutMarks } from './lines.js';
import { localAssetPath } from '../images/local.js';
import { toPlainText } from './text.js';

export interface MarkdownOptions {
  /** Relative links and images resolve against this (publication.url). */
  baseUrl: string;
  dir: TextDirection;
  theme: Theme;
  /** Makes footnote anchors unique when several articles share one email (the article's slug). */
  docId?: string;
  /** Where rendered Markdown is kept between builds (the caller's); none: render every time. */
  cache?: BuildCache;
  /** Relative images other than `assets/...` resolve against this (the article's own `url`). */
  imageBase?: string;
  /** The file and the file line of the first Markdown line: elements get marks (compose/lines.ts). */
  source?: MarkSource;
}

export interface RenderedMarkdown {
  /** Sanitized HTML with inline styles (Gmail drops most <style> rules). */
  html: string;
  /** Plain text, links written as `text (url)`. */
  text: string;
  /** The first paragraph as plain text, for excerpts. */
  firstParagraph: string;
  /** Findings about the source (embeds turned into links, dropped HTML, wide tables), by body line. */
  notes: SourceNote[];
  /** `html` with the line marks of compose/lines.ts (when `source` was given): what the build renders. */
  markedHtml: string;
  /** Images written as `assets/<file>`, with the file line that wrote them (for image/missing-file). */
  localImages: { src: string; line?: number }[];
}

// CommonMark + tables (markdown-it's default preset) with smart quotes and bare URLs and
// addresses linked; raw HTML is parsed, then sanitized below. Linkify costs more than the rest of
// the parse, so it runs only on sources that may hold something to link.
// Footnotes (markdown-it-footnote), embeds as links and scrolling tables on both parsers.
const md = new MarkdownIt('default', { html: true, linkify: false, typographer: true })
  .use(footnote)
  .use(embedsPlugin)
  .use(tablesPlugin)
  .use(linesPlugin);
const mdLinkify = new MarkdownIt('default', { html: true, linkify: true, typographer: true })
  .use(footnote)
  .use(embedsPlugin)
  .use(tablesPlugin)
  .use(linesPlugin);
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
  'div',
];

/** The classes Gazette's own markup carries; any other class is removed. */
const CLASSES = ['gz-embed', 'gz-scroll', 'gz-details', 'gz-summary', 'gz-footnotes', 'footnote-ref'];
/** markdown-it-footnote's anchors (`fn-<slug>-1`, `fnref-<slug>-1:2`), the only ids kept. */
const FOOTNOTE_ID = /^fn(?:ref)?(?:-[^"'<>\s]*-)?\d+(?::\d+)?$/u;

// Rendered Markdown by exact input: unchanged articles and intros are not re-rendered on rebuild.
const MAX_RENDERED = 2000;

export function renderMarkdown(src: string, opts: MarkdownOptions): RenderedMarkdown {
  if (!opts.cache) return renderMarkdownNow(src, opts);
  const mark = opts.source ? `${opts.source.file}#${opts.source.line}` : '';
  const key = `${opts.baseUrl}\0${opts.dir}\0${opts.docId ?? ''}\0${opts.imageBase ?? ''}\0${mark}\0${JSON.stringify(opts.theme)}\0${src}`;
  return opts.cache.text('markdown', key, MAX_RENDERED, () => renderMarkdownNow(src, opts));
}

function renderMarkdownNow(src: string, opts: MarkdownOptions): RenderedMarkdown {
  const parser = MAY_LINKIFY.test(src) ? mdLinkify : md;
  const notes: SourceNote[] = [];
  const env = { notes, ...(opts.docId ? { docId: opts.docId } : {}), ...(opts.source ? { source: opts.source } : {}) };
  const tokens = parser.parse(src, env);
  const rawHtml = parser.renderer.render(tokens, parser.options, env);
  const plain = toPlainText(tokens, (href) => resolveUrl(href, opts.baseUrl));
  for (const d of plain.dropped)
    notes.push({
      code: 'content/dropped-html',
      severity: ['form', 'button', 'select', 'textarea'].includes(d.tag) ? 'warning' : 'info',
      message: `<${d.tag}> cannot work in an email; it is left out of both parts`,
      hint:
        d.tag === 'form' || d.tag === 'button' || d.tag === 'select' || d.tag === 'textarea'
          ? 'Link to the page that holds the form instead, e.g. [Sign up](https://...).'
          : 'Nothing to do; remove it if the post no longer needs it elsewhere.',
      line: d.line,
    });
  notes.sort((a, b) => a.line - b.line);
  const localImages: RenderedMarkdown['localImages'] = [];
  const markedHtml = sanitize(rawHtml, opts, localImages);
  const result = {
    html: withoutMarks(markedHtml),
    markedHtml,
    localImages,
    text: plain.text,
    firstParagraph: firstParagraph(tokens),
    notes,
  };
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

/** Like resolveUrl, against a page's own address (relative to its folder, as a browser does). */
function resolveAgainst(href: string, page: string): string | undefined {
  try {
    return resolveUrl(new URL(href.trim(), page).href, page);
  } catch {
    return undefined;
  }
}

function sanitize(
  html: string,
  { baseUrl, dir, theme, imageBase }: MarkdownOptions,
  localImages: RenderedMarkdown['localImages'],
): string {
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
    code: `font-family:Menlo,Consolas,'Courier New',monospace;font-size:15px;background-color:${theme.codeBackground};color:${theme.text};padding:1px 4px;border-radius:3px;overflow-wrap:anywhere;`,
    pre: `margin:0 0 16px;padding:12px 14px;background-color:${theme.codeBackground};color:${theme.text};border-radius:4px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere;font-size:14px;line-height:1.5;`,
    img: 'display:block;max-width:100%;height:auto;border:0;margin:0 auto;',
    hr: `border:0;border-top:1px solid ${theme.border};margin:28px 0;`,
    figure: 'margin:0 0 20px;',
    figcaption: `font-size:14px;color:${theme.muted};margin-top:6px;`,
    mark: 'background-color:#fff3b0;color:#1f1f1f;',
    // Gazette's own blocks (see CLASSES)
    'p.gz-embed': `margin:0 0 16px;padding:12px 16px;border:1px solid ${theme.border};border-radius:4px;`,
    'a.gz-embed': `color:${theme.accent};font-weight:bold;text-decoration:underline;`,
    'div.gz-scroll': 'overflow-x:auto;max-width:100%;margin:0 0 20px;',
    'div.gz-details': `margin:0 0 16px;padding:4px 0;padding-${start}:16px;border-${start}:4px solid ${theme.border};`,
    'p.gz-summary': 'margin:0 0 8px;font-weight:bold;',
    'div.gz-footnotes': `font-size:15px;line-height:1.5;color:${theme.muted};`,
    'sup.footnote-ref': 'font-size:12px;line-height:0;',
  };
  void end;
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      '*': ['lang', 'dir', 'title', 'style', 'class', 'data-gz'],
      a: ['href', 'name', 'target', 'rel', 'id'],
      li: ['id'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['colspan', 'rowspan', 'scope'],
      td: ['colspan', 'rowspan'],
      ol: ['start', 'reversed'],
      abbr: ['title'],
    },
    allowedClasses: { '*': CLASSES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    // Everything else (script, style, iframe, object, form...) is dropped with its content.
    // The same elements the text part leaves out (html-text.ts), with their content.
    nonTextTags: [...HIDDEN_TAGS],
    // A paragraph that held only such an element (`<noscript>` written inline) goes too.
    exclusiveFilter: (frame) => frame.tag === 'p' && !frame.text.trim() && !frame.mediaChildren.length,
    transformTags: {
      '*': (original, attribs) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(attribs))
          if (k !== 'style' && k !== 'class' && k !== 'id' && !k.startsWith('on')) out[k] = v;
        // <details> is not supported by most mail clients: both parts shown, visibly apart.
        const renamed: Record<string, [string, string]> = {
          details: ['div', 'gz-details'],
          summary: ['p', 'gz-summary'],
          section: ['div', /\bfootnotes\b/.test(attribs.class ?? '') ? 'gz-footnotes' : ''],
        };
        const [tagName, forced] = renamed[original] ?? [original, ''];
        const cls = forced || (attribs.class ?? '').split(/\s+/).find((c) => CLASSES.includes(c));
        if (cls) out.class = cls;
        if (attribs.id && FOOTNOTE_ID.test(attribs.id)) out.id = attribs.id;
        const style = (cls && styles[`${tagName}.${cls}`]) || styles[tagName];
        if (style) out.style = style;
        if (tagName === 'a' && out.href !== undefined) {
          const href = resolveUrl(out.href, baseUrl);
          if (href === undefined) delete out.href;
          else out.href = href;
          if (!out.href?.startsWith('#')) out.target = '_blank'; // in-page anchors (footnotes) stay in the page
          delete out.rel;
        }
        if (tagName === 'img' && out.src !== undefined) {
          // `assets/...` is a file of content/assets/, published under publication.url; any other
          // relative image is the article page's neighbour, so it resolves against the article's
          // own address when it has one. A missing alt stays missing: check reports it.
          const local = localAssetPath(out.src) !== undefined;
          if (local) localImages.push({ src: out.src, line: parseMark(attribs['data-gz'])?.line });
          const src = local || !imageBase ? resolveUrl(out.src, baseUrl) : resolveAgainst(out.src, imageBase);
          if (src === undefined) delete out.src;
          else out.src = src;
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
