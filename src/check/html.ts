import { parseDocument } from 'htmlparser2';

// A flat, typed view of the built email for the rules: every element with its attributes,
// parsed inline style, parent and visibility, and every non-blank text run. Parsed once per
// check. Outlook's conditional comments (`<!--[if mso]>`) stay comments, as in every other client.

export interface El {
  tag: string;
  attrs: Record<string, string>;
  /** Inline style, lower-cased property names; later declarations win. */
  style: Record<string, string>;
  /** Offset of the tag in the HTML. */
  start: number;
  parent?: El;
  /** Not rendered: display:none, zero-height overflow hidden, opacity 0, or inside such. */
  hidden: boolean;
}

export interface TextRun {
  text: string;
  parent: El;
  start: number;
}

export interface StyleBlock {
  css: string;
  start: number;
}

export interface ParsedEmail {
  html: string;
  elements: El[];
  texts: TextRun[];
  styles: StyleBlock[];
  hasDoctype: boolean;
  /** 1-based line of an offset in the HTML. */
  lineAt(offset: number): number;
}

type DomNode = ReturnType<typeof parseDocument>['children'][number];

export function parseEmail(html: string): ParsedEmail {
  const doc = parseDocument(html, { withStartIndices: true, decodeEntities: true, lowerCaseAttributeNames: true });
  const elements: El[] = [];
  const texts: TextRun[] = [];
  const styles: StyleBlock[] = [];
  let hasDoctype = false;
  const root: El = { tag: '#document', attrs: {}, style: {}, start: 0, hidden: false };

  const walk = (nodes: DomNode[], parent: El): void => {
    for (const node of nodes) {
      if (node.type === 'directive') {
        if (/^!doctype/i.test(node.data)) hasDoctype = true;
      } else if (node.type === 'text') {
        if (node.data.trim() && parent.tag !== 'title')
          texts.push({ text: node.data, parent, start: node.startIndex ?? parent.start });
      } else if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        const style = parseStyle(node.attribs.style ?? '');
        const el: El = {
          tag: node.name.toLowerCase(),
          attrs: { ...node.attribs },
          style,
          start: node.startIndex ?? 0,
          parent: parent === root ? undefined : parent,
          hidden: parent.hidden || isHidden(style, node.attribs),
        };
        elements.push(el);
        if (node.type === 'style') {
          const css = node.children.map((c) => ('data' in c ? c.data : '')).join('');
          styles.push({ css, start: node.children[0]?.startIndex ?? el.start });
        } else {
          walk(node.children, el);
        }
      }
    }
  };
  walk(doc.children, root);

  const lineStarts = [0];
  for (let i = html.indexOf('\n'); i !== -1; i = html.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return { html, elements, texts, styles, hasDoctype, lineAt };
}

/** `a:b; c:d` -> {a: 'b', c: 'd'}; values keep `!important`. */
export function parseStyle(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const decl of s.split(';')) {
    const i = decl.indexOf(':');
    if (i <= 0) continue;
    const prop = decl.slice(0, i).trim().toLowerCase();
    const value = decl.slice(i + 1).trim();
    if (prop && value) out[prop] = value;
  }
  return out;
}

function isHidden(style: Record<string, string>, attrs: Record<string, string>): boolean {
  const v = (p: string) =>
    (style[p] ?? '')
      .replace(/\s*!important\s*$/i, '')
      .trim()
      .toLowerCase();
  if (v('display') === 'none' || v('visibility') === 'hidden' || 'hidden' in attrs) return true;
  if (v('opacity') === '0') return true;
  if (/^0(px)?$/.test(v('max-height')) && v('overflow') === 'hidden') return true;
  return false;
}

/** The nearest value of an inline-style property, from the element up (CSS inheritance). */
export function inherited(el: El | undefined, prop: string): { value: string; from: El } | undefined {
  for (let cur = el; cur; cur = cur.parent) {
    const v = cur.style[prop];
    if (v) return { value: v.replace(/\s*!important\s*$/i, ''), from: cur };
  }
  return undefined;
}

export function ancestorOrSelf(el: El | undefined, test: (e: El) => boolean): El | undefined {
  for (let cur = el; cur; cur = cur.parent) if (test(cur)) return cur;
  return undefined;
}

/** Visible text of an element (its descendants' text runs). */
export function textOf(email: ParsedEmail, el: El): string {
  return email.texts
    .filter((t) => ancestorOrSelf(t.parent, (e) => e === el))
    .map((t) => t.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Pixels of a CSS length or HTML width attribute (`600`, `600px`); undefined otherwise. */
export function px(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(px)?\s*(?:!important)?\s*$/i.exec(value);
  return m ? Number(m[1]) : undefined;
}
