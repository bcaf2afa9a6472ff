import { readTextFile } from '../load/read.js';
import path from 'node:path';
import { readTheme } from '../render/theme-files.js';
import type { Content, RenderedIssue } from '../types.js';
import { lineAt } from '../util/lines.js';

// Maps a finding in the built HTML back to where an editor can fix it: the article's Markdown or
// front-matter, the issue file, a template or publication.yml. An element that Markdown wrote is
// located by the build's source map (token lines, src/compose/lines.ts): the right article and
// line even when another article holds the same text. Anything else (templates, front-matter) is
// located by searching those sources for what it is about (an image src, a link), in that order.

export interface SourceFile {
  file: string;
  text: string;
  kind: 'article' | 'issue' | 'template' | 'publication';
}

export interface Location {
  file: string;
  line: number;
}

/** What `Sources.at` needs of a parsed element: its tag offset and its parent. */
interface Placed {
  start: number;
  parent?: Placed;
}

export class Sources {
  private readonly marks: Map<number, Location>;

  constructor(
    readonly files: SourceFile[],
    readonly fallback: Location,
    private readonly baseUrl: string,
    sourceMap: readonly { offset: number; file: string; line: number }[] = [],
  ) {
    this.marks = new Map(sourceMap.map((m) => [m.offset, { file: m.file, line: m.line }]));
  }

  /** Where Markdown wrote this element (or the nearest element around it), from the source map. */
  of(el: Placed | undefined): Location | undefined {
    for (let cur = el; cur; cur = cur.parent) {
      const at = this.marks.get(cur.start);
      if (at) return at;
    }
    return undefined;
  }

  /** The element's true location when Markdown wrote it, else where the needles are found. */
  at(
    el: Placed | undefined,
    needles: readonly (string | undefined)[],
    kinds?: readonly SourceFile['kind'][],
  ): Location {
    return this.of(el) ?? this.locate(needles, kinds);
  }

  static async load(r: RenderedIssue, content: Content): Promise<Sources> {
    const root = content.root;
    const files: SourceFile[] = [];
    const read = async (file: string, kind: SourceFile['kind']) => {
      try {
        // The loader's reader: an unchanged file comes from its cache, not from disk again.
        files.push({ file, kind, text: readTextFile(path.resolve(root, file), file).text });
      } catch {
        // A file that vanished since the build: findings fall back to the issue file.
      }
    };
    for (const a of r.issue.articles) await read(a.file, 'article');
    await read(r.issue.file, 'issue');
    // Only the templates this issue renders with: its own layout and the partials.
    for (const t of await readTheme(root)) {
      if (t.name.startsWith('layouts/') && t.name !== `layouts/${r.issue.layout}.mjml.hbs`) continue;
      files.push({ file: t.file, text: t.source, kind: 'template' });
    }
    await read(content.publication.file, 'publication');
    return new Sources(files, { file: r.issue.file, line: 1 }, content.publication.url, r.sourceMap);
  }

  /**
   * Where the first needle that occurs anywhere occurs first (needles in order of precision;
   * sources in order: articles, issue, templates, publication).
   */
  find(needles: readonly (string | undefined)[], kinds?: readonly SourceFile['kind'][]): Location | undefined {
    const list = needles.filter((n): n is string => !!n && n.trim().length > 2).flatMap((n) => this.variants(n));
    for (const n of list) {
      for (const f of this.files) {
        if (kinds && !kinds.includes(f.kind)) continue;
        const at = f.text.indexOf(n);
        if (at >= 0) return { file: f.file, line: lineAt(f.text, at) };
      }
    }
    return undefined;
  }

  /** The layout template of the issue (what MJML's own output comes from). */
  layout(): Location {
    return this.fileLike((f) => f.kind === 'template' && /layouts\//.test(f.file)) ?? this.fallback;
  }

  /** Like find, but always answers (the issue file when nothing matches). */
  locate(needles: readonly (string | undefined)[], kinds?: readonly SourceFile['kind'][]): Location {
    return this.find(needles, kinds) ?? this.fallback;
  }

  /** A file by kind/name, for findings about a whole file (e.g. the footer template). */
  fileLike(test: (f: SourceFile) => boolean): Location | undefined {
    const f = this.files.find(test);
    return f ? { file: f.file, line: 1 } : undefined;
  }

  /** The line of a top-level `key:` in a source of a kind (the first, or `file`), or its line 1. */
  keyLine(kind: SourceFile['kind'], key: string, file?: string): Location | undefined {
    const f = this.files.find((x) => x.kind === kind && (file === undefined || x.file === file));
    if (!f) return undefined;
    const m = new RegExp(`^${key}\\s*:`, 'm').exec(f.text);
    return { file: f.file, line: m ? lineAt(f.text, m.index) : 1 };
  }

  /** A URL as an editor may have written it: absolute, relative to the site, or escaped. */
  private variants(needle: string): string[] {
    const out = [needle];
    if (needle.startsWith(this.baseUrl + '/'))
      out.push(needle.slice(this.baseUrl.length + 1), needle.slice(this.baseUrl.length));
    try {
      const decoded = decodeURI(needle);
      if (decoded !== needle) out.push(decoded);
    } catch {
      // not a URI
    }
    const escaped = needle.replace(/&/g, '&amp;');
    if (escaped !== needle) out.push(escaped);
    return out;
  }
}
