import { Parser } from 'htmlparser2';

/**
 * Elements whose content never reaches a reader of the text part (nor the HTML part, where the
 * sanitizer drops them with their content): code, styles, fallbacks for scripts, and forms, which
 * cannot work in an email. Embedded frames are turned into links before this runs (embeds.ts).
 */
export const HIDDEN_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'select',
  'option',
  'button',
  'form',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'head',
]);

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'aside',
  'header',
  'footer',
  'nav',
  'main',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'details',
  'summary',
  'blockquote',
  'figure',
  'figcaption',
  'table',
  'pre',
  'hr',
  'address',
]);
const LINE_TAGS = new Set(['br', 'li', 'tr']);

/** Where raw HTML's visible text goes; link labels are measured from `out`. */
export interface TextSink {
  out: string;
}

/**
 * Visible text of raw HTML fragments, fed in document order (html_block and html_inline tokens of
 * one Markdown document): an element opened in one fragment and closed in a later one is tracked
 * across them, so `<form>` ... `</form>` hides the Markdown between as well (see `hiding`).
 * Block elements end with a blank line (`<details><summary>A</summary>B` reads "A", then "B"),
 * links are written `label (url)` as in Markdown, images as `[alt]`.
 */
export class HtmlText {
  private hidden = 0;
  private pre = 0;
  private sink: TextSink = { out: '' };
  private readonly links: { href?: string; start: number }[] = [];
  private readonly parser: Parser;
  /** Hidden elements met, in order, with the line they were met on. */
  readonly dropped: { tag: string; line: number }[] = [];
  private line = 0;

  constructor(resolve: (href: string) => string | undefined) {
    this.parser = new Parser(
      {
        onopentag: (name, attrs) => {
          if (HIDDEN_TAGS.has(name)) {
            if (this.hidden === 0) this.dropped.push({ tag: name, line: this.line });
            this.hidden++;
            return;
          }
          if (this.hidden) return;
          if (name === 'pre') this.pre++;
          if (BLOCK_TAGS.has(name)) this.sink.out += '\n\n';
          else if (name === 'li' || name === 'tr') this.sink.out += '\n';
          if (name === 'a')
            this.links.push({ href: attrs.href ? resolve(attrs.href) : undefined, start: this.sink.out.length });
          if (name === 'img' && attrs.alt) this.sink.out += `[${attrs.alt}]`;
          if (name === 'td' || name === 'th') this.sink.out += ' ';
        },
        ontext: (text) => {
          if (this.hidden) return;
          this.sink.out += this.pre ? text : text.replace(/\s+/g, ' ');
        },
        onclosetag: (name) => {
          if (HIDDEN_TAGS.has(name)) {
            if (this.hidden) this.hidden--;
            return;
          }
          if (this.hidden) return;
          if (name === 'pre' && this.pre) this.pre--;
          if (name === 'a') {
            const link = this.links.pop();
            if (link?.href && !link.href.startsWith('#')) {
              const label = this.sink.out.slice(link.start).trim();
              const bare = link.href.replace(/^mailto:/, '');
              if (label !== link.href && label !== bare) this.sink.out += ` (${link.href})`;
            }
          }
          if (BLOCK_TAGS.has(name)) this.sink.out += '\n\n';
          else if (LINE_TAGS.has(name)) this.sink.out += '\n';
        },
      },
      { decodeEntities: true, lowerCaseTags: true },
    );
  }

  /** True while inside a hidden element: Markdown text met now is not shown either. */
  get hiding(): boolean {
    return this.hidden > 0;
  }

  /** Appends the visible text of `html` to `sink` (state carries over between calls). */
  feed(html: string, sink: TextSink, line: number): void {
    this.sink = sink;
    this.line = line;
    this.parser.write(html);
  }

  /** The paragraphs of a raw HTML block, trimmed, without empty ones. */
  block(html: string, line: number): string[] {
    const sink = { out: '' };
    this.feed(html, sink, line);
    return sink.out
      .split(/\n[ \t]*\n/)
      .map((p) =>
        p
          .split('\n')
          .map((l) => l.trim())
          .join('\n')
          .trim(),
      )
      .filter(Boolean);
  }
}
