import type MarkdownIt from 'markdown-it';

type PluginSimple = (md: InstanceType<typeof MarkdownIt>) => void;

// True locations for findings about the email: every element that Markdown writes carries, until
// the end of the build, the file and line that wrote it (`data-gz="<file>#<line>"`, from
// markdown-it's token.map, counted through soft breaks for links and images inside a paragraph).
// The build strips the marks and keeps their offsets in the final HTML, so a check rule asks where
// an element came from instead of searching the sources for its text (which finds the first
// article that has it, not the one that does).

/** Where an element of the email was written: the offset of its tag in the HTML -> file and line. */
export interface SourceMark {
  offset: number;
  file: string;
  line: number;
}

/** `env.source` of a render: the file, and the file line of the Markdown's first line. */
export interface MarkSource {
  file: string;
  line: number;
}

const ATTR = 'data-gz';

export function markValue(source: MarkSource, bodyLine: number): string {
  return `${encodeURIComponent(source.file)}#${source.line + bodyLine - 1}`;
}

/** The location a mark value names. */
export function parseMark(value: string | undefined): { file: string; line: number } | undefined {
  const m = value ? /^([^#]*)#(\d+)$/.exec(value) : null;
  if (!m) return undefined;
  try {
    return { file: decodeURIComponent(m[1]!), line: Number(m[2]) };
  } catch {
    return undefined;
  }
}

/** Marks every opening tag of raw HTML with its line (the first line is `line`). */
function markTags(html: string, line: number, source: MarkSource): string {
  let at = line;
  return html.replace(/<([a-zA-Z][\w-]*)(?=[\s/>])|\n/g, (m) => {
    if (m === '\n') {
      at++;
      return m;
    }
    return `${m} ${ATTR}="${markValue(source, at)}"`;
  });
}

/** A markdown-it core rule that marks tokens with their lines when `env.source` is given. */
export const linesPlugin: PluginSimple = (md) => {
  md.core.ruler.push('gazette_lines', (state) => {
    const source = (state.env as { source?: MarkSource }).source;
    if (!source) return;
    for (const t of state.tokens) {
      if (!t.map) continue;
      const line = t.map[0] + 1;
      if (t.type === 'html_block') t.content = markTags(t.content, line, source);
      else if (t.nesting === 1 || t.type === 'fence' || t.type === 'code_block' || t.type === 'hr')
        t.attrSet(ATTR, markValue(source, line));
      if (t.type !== 'inline' || !t.children) continue;
      let at = line;
      for (const c of t.children) {
        if (c.type === 'link_open' || c.type === 'image') c.attrSet(ATTR, markValue(source, at));
        else if (c.type === 'html_inline') c.content = markTags(c.content, at, source);
        if (c.type === 'softbreak' || c.type === 'hardbreak') at++;
      }
    }
  });
};

const MARK = new RegExp(` ${ATTR}="([^"]*)"`, 'g');

/** The HTML without marks, and where each marked tag starts in it. */
export function stripMarks(html: string): { html: string; marks: SourceMark[] } {
  if (!html.includes(ATTR)) return { html, marks: [] };
  const marks: SourceMark[] = [];
  let out = '';
  let last = 0;
  for (const m of html.matchAll(MARK)) {
    out += html.slice(last, m.index);
    last = m.index + m[0].length;
    const tagStart = out.lastIndexOf('<');
    const at = parseMark(m[1]);
    if (at && tagStart >= 0) marks.push({ offset: tagStart, ...at });
  }
  out += html.slice(last);
  return { html: out, marks };
}

/** Only the marks removed (for HTML that leaves the build: feeds, article pages, the library). */
export function withoutMarks(html: string): string {
  return html.includes(ATTR) ? html.replace(MARK, '') : html;
}
