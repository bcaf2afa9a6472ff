import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { GazetteError } from '../util/errors.js';
import { directionOf } from '../util/direction.js';
import { SLUG_RULE } from '../scaffold/slug.js';
import type { Article, Content, Diagnostic, IssueSource, Publication } from '../types.js';
import { splitFrontMatter } from './frontmatter.js';
import { readTextFile, type TextFile } from './read.js';
import { FIELD_HINTS, GENERATOR_KEYS, KNOWN_KEYS, articleSchema, issueSchema, publicationSchema } from './schema.js';
import { parseYaml, type ParsedYaml } from './yaml.js';

export interface LoadResult {
  content?: Content;
  diagnostics: Diagnostic[];
}

/**
 * load: reads `content/` under a root and validates it. Never throws for bad content: every
 * problem in every file becomes a diagnostic, so an editor sees all of them at once.
 */
export async function loadContent(root: string): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const contentDir = path.join(root, 'content');
  const read = reader(root, diagnostics);
  const { publication, found: pubFound } = readPublication(root, read, diagnostics);

  // articles
  const articles = new Map<string, Article>();
  const articleFiles = await listMarkdown(path.join(contentDir, 'articles'));
  const firstFileOfSlug = new Map<string, string>();
  for (const abs of articleFiles) {
    const f = read(abs);
    if (!f) continue;
    const slug = slugOf(abs);
    const slugDiag = checkSlug(slug, f.file, firstFileOfSlug);
    if (slugDiag) {
      diagnostics.push(slugDiag);
      continue;
    }
    const { fm, v } = parseCached('article', f, () => {
      const fm = splitFrontMatter(f.text, f.file);
      return { fm, v: fm.parsed ? validate(articleSchema, fm.parsed, f.file, KNOWN_KEYS.article) : undefined };
    });
    diagnostics.push(...fm.diagnostics);
    if (!v) continue;
    diagnostics.push(...v.diagnostics);
    if (!v.value) continue;
    const cached = articleObjects.get(f);
    if (cached && cached.language === publication?.language) {
      articles.set(slug, cached.article);
      continue;
    }
    const a = v.value;
    const lang = a.lang ?? publication?.language;
    const built: Article = {
      slug,
      file: f.file,
      title: a.title,
      date: a.date,
      authors: a.authors ?? a.by ?? (a.author ? [a.author] : []),
      dek: a.dek,
      image: a.image,
      section: a.section,
      url: a.url,
      lang,
      dir: a.dir ?? directionOf(lang),
      // Hugo and the Go blog write `summary`, Jekyll and Eleventy `description`.
      excerpt: a.excerpt ?? a.summary ?? a.description,
      ...(a.draft !== undefined || a.published !== undefined ? { draft: a.draft ?? !a.published } : {}),
      ...(a.tags ? { tags: a.tags } : {}),
      body: fm.body,
      bodyLine: fm.bodyLine,
    };
    articleObjects.set(f, { language: publication?.language, article: built });
    articles.set(slug, built);
  }

  // issues
  const issues: IssueSource[] = [];
  const issueFiles = await listMarkdown(path.join(contentDir, 'issues'));
  const firstFileOfIssue = new Map<string, string>();
  if (issueFiles.length === 0 && pubFound) {
    diagnostics.push({
      code: 'content/no-issues',
      severity: 'error',
      message: 'no issues found in content/issues/',
      file: 'content/issues',
      hint: 'Create one with `gazette new issue`, or add content/issues/<slug>.md listing its articles.',
    });
  }
  for (const abs of issueFiles) {
    const f = read(abs);
    if (!f) continue;
    const slug = slugOf(abs);
    const slugDiag = checkSlug(slug, f.file, firstFileOfIssue);
    if (slugDiag) {
      diagnostics.push(slugDiag);
      continue;
    }
    const { fm, v } = parseCached('issue', f, () => {
      const fm = splitFrontMatter(f.text, f.file);
      return { fm, v: fm.parsed ? validate(issueSchema, fm.parsed, f.file, KNOWN_KEYS.issue) : undefined };
    });
    diagnostics.push(...fm.diagnostics);
    if (!v) continue;
    diagnostics.push(...v.diagnostics);
    if (!v.value || !fm.parsed) continue;
    const parsed = fm.parsed;
    v.value.articles.forEach((articleSlug, i) => {
      if (!articles.has(articleSlug) && !articleFiles.some((a) => slugOf(a) === articleSlug)) {
        const pos = parsed.locate(['articles', i]);
        const near = closest(articleSlug, [...articleFiles.map(slugOf)]);
        diagnostics.push({
          code: 'content/unknown-article',
          severity: 'error',
          message: `article "${articleSlug}" does not exist`,
          file: f.file,
          ...pos,
          field: `articles[${i}]`,
          hint: near
            ? `Did you mean "${near}"? Slugs are file names in content/articles/ without .md or .markdown.`
            : 'Slugs are file names in content/articles/ without .md or .markdown; create the article or remove this line.',
        });
      }
    });
    issues.push({ slug, file: f.file, ...v.value, intro: fm.body, introLine: fm.bodyLine });
  }

  // Newest first, the order of the archive and the preview's list.
  issues.sort(
    (a, b) => b.date.localeCompare(a.date) || (b.number ?? 0) - (a.number ?? 0) || a.slug.localeCompare(b.slug),
  );
  if (!publication || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { content: { root, publication, articles, issues }, diagnostics };
}

/**
 * publication.yml alone, validated: what `gazette serve` needs. A broken article or issue must not
 * keep the unsubscribe endpoint from starting.
 */
export function loadPublication(root: string): { publication?: Publication; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { publication } = readPublication(path.resolve(root), reader(path.resolve(root), diagnostics), diagnostics);
  return { publication, diagnostics };
}

type Read = (abs: string) => TextFile | undefined;

/** readTextFile with paths relative to the root; a GazetteError becomes a diagnostic. */
function reader(root: string, diagnostics: Diagnostic[]): Read {
  return (abs) => {
    try {
      return readTextFile(abs, path.relative(root, abs).split(path.sep).join('/'));
    } catch (err) {
      if (err instanceof GazetteError) diagnostics.push(err.toDiagnostic());
      else throw err;
      return undefined;
    }
  };
}

function readPublication(
  root: string,
  read: Read,
  diagnostics: Diagnostic[],
): { publication?: Publication; found: boolean } {
  const pubPath = path.join(root, 'content', 'publication.yml');
  const pubFile = readIfExists(
    pubPath,
    read,
    diagnostics,
    'content/publication.yml',
    'Create content/publication.yml with name, url, from, address and unsubscribeUrl (see README, "Content reference").',
  );
  if (!pubFile) return { found: false };
  const { yd, v } = parseCached('publication', pubFile, () => {
    const { parsed, diagnostics: yd } = parseYaml(pubFile.text, pubFile.file, 0);
    return { yd, v: parsed ? validate(publicationSchema, parsed, pubFile.file, KNOWN_KEYS.publication) : undefined };
  });
  diagnostics.push(...yd);
  if (!v) return { found: true };
  diagnostics.push(...v.diagnostics);
  if (!v.value) return { found: true };
  const publication: Publication = { ...v.value, file: pubFile.file };
  // The logo is referenced from emails: make it absolute like every other image.
  if (publication.logo)
    publication.logo = { ...publication.logo, src: new URL(publication.logo.src, publication.url + '/').href };
  return { publication, found: true };
}

/**
 * Parsed and validated files keyed by the file object readTextFile returns (the same object while
 * the file is unchanged): an unchanged file is never parsed twice in a process, which is what
 * makes the preview's rebuild on every save cheap. gray-matter caches the same way.
 */
const parseCache = new Map<string, WeakMap<TextFile, unknown>>();
function parseCached<T>(kind: string, f: TextFile, parse: () => T): T {
  let byFile = parseCache.get(kind);
  if (!byFile) parseCache.set(kind, (byFile = new WeakMap()));
  if (byFile.has(f)) return byFile.get(f) as T;
  const value = parse();
  byFile.set(f, value);
  return value;
}

/** The same Article object for the same file and publication language, so compose can cache by identity. */
const articleObjects = new WeakMap<TextFile, { language: string | undefined; article: Article }>();

function readIfExists(
  abs: string,
  read: Read,
  diagnostics: Diagnostic[],
  file: string,
  hint: string,
): TextFile | undefined {
  if (!existsSync(path.dirname(abs))) {
    diagnostics.push({
      code: 'content/missing',
      severity: 'error',
      message: 'no content/ folder in this root',
      file: 'content',
      hint: 'Run gazette in a folder that has content/, or pass --root DIR.',
    });
    return undefined;
  }
  if (!existsSync(abs)) {
    diagnostics.push({ code: 'content/missing', severity: 'error', message: `${file} is missing`, file, hint });
    return undefined;
  }
  return read(abs);
}

async function listMarkdown(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries
    .filter((e) => MARKDOWN_FILE.test(e) && !path.basename(e).startsWith('.') && !path.basename(e).startsWith('_'))
    .map((e) => path.join(dir, e))
    .sort();
}

/** Jekyll names posts `.markdown`; everyone else `.md`. */
const MARKDOWN_FILE = /\.(?:md|markdown)$/;

/** The file name without its extension; dots inside stay (`go1.26.md` is `go1.26`). */
function slugOf(abs: string): string {
  return path.basename(abs).replace(MARKDOWN_FILE, '').normalize('NFC');
}

function checkSlug(slug: string, file: string, seen: Map<string, string>): Diagnostic | undefined {
  if (!SLUG_RULE.test(slug)) {
    return {
      code: 'content/bad-slug',
      severity: 'error',
      message: `file name "${slug}" cannot be used as a slug`,
      file,
      line: 1,
      hint: 'Name the file with letters, digits, dashes and dots (not first or last), e.g. campus-arts-festival.md.',
    };
  }
  const key = slug.toLowerCase();
  const first = seen.get(key);
  if (first) {
    return {
      code: 'content/duplicate-slug',
      severity: 'error',
      message: `slug "${slug}" is already used by ${first}`,
      file,
      line: 1,
      hint: 'Slugs must be unique (ignoring case) across subfolders; rename one of the files.',
    };
  }
  seen.set(key, file);
  return undefined;
}

interface Validated<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

/** Validates parsed YAML with a zod schema; each failing field becomes a diagnostic at its line. */
function validate<S extends z.ZodType>(
  schema: S,
  parsed: ParsedYaml,
  file: string,
  known: readonly string[],
): Validated<z.output<S>> {
  const diagnostics: Diagnostic[] = [];
  const data = parsed.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      diagnostics: [
        {
          code: 'content/not-a-mapping',
          severity: 'error',
          message: 'front-matter must be a set of `key: value` fields',
          file,
          line: parsed.locate([]).line,
          hint: 'Write one `key: value` per line.',
        },
      ],
    };
  }
  for (const key of parsed.keysAt([])) {
    if ((GENERATOR_KEYS as readonly string[]).includes(key) && !known.includes(key)) {
      diagnostics.push({
        code: 'content/generator-field',
        severity: 'info',
        message: `field \`${key}\` belongs to another site generator and is ignored`,
        file,
        ...parsed.locate([key]),
        field: key,
        hint: 'Nothing to do; remove it once the post no longer builds elsewhere.',
      });
    } else if (!known.includes(key)) {
      const near = closest(key, known);
      diagnostics.push({
        code: 'content/unknown-field',
        severity: 'warning',
        message: `unknown field \`${key}\` is ignored`,
        file,
        ...parsed.locate([key]),
        field: key,
        hint: near ? `Did you mean \`${near}\`?` : `Known fields: ${known.join(', ')}.`,
      });
    }
  }
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, diagnostics };
  for (const issue of result.error.issues) {
    const p = issue.path as PropertyKey[];
    const field = p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
    const value = valueAt(data, p);
    const missing = value === undefined;
    const lastKey = [...p].reverse().find((k) => typeof k === 'string') as string | undefined;
    const message = missing
      ? `missing required field \`${field}\``
      : issue.code === 'invalid_type'
        ? `\`${field}\` has the wrong type: expected ${(issue as { expected?: string }).expected ?? 'another type'}, got ${describe(value)}`
        : issue.code === 'invalid_value'
          ? `\`${field}\` must be one of ${((issue as { values?: unknown[] }).values ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`
          : `\`${field}\` ${issue.message}${typeof value === 'string' ? ` (got "${value}")` : ''}`;
    diagnostics.push({
      code: missing ? 'content/missing-field' : 'content/invalid-field',
      severity: 'error',
      message,
      file,
      ...parsed.locate(p),
      field,
      hint: (lastKey && FIELD_HINTS[lastKey]) ?? 'See README, "Content reference", for every field and an example.',
    });
  }
  return { diagnostics };
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a set of fields';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The known word within edit distance 2, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
