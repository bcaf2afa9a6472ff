import path from 'node:path';
import { linkFindings } from '../util/links.js';
import { insecureUrlFindings } from './urls.js';
import { missingImage } from '../images/local.js';
import { directionOf } from '../util/direction.js';
import type { Article, Content, Diagnostic, IssueSource, Publication } from '../types.js';
import type { BuildCache } from '../cache/build-cache.js';
import { parseCached } from './cache.js';
import { checkSlug, listMarkdown, reader, slugOf } from './files.js';
import { splitFrontMatter } from './frontmatter.js';
import { newestFirst } from './order.js';
import { readPublication } from './publication.js';
import { KNOWN_KEYS, articleSchema, issueSchema } from './schema.js';
import { closest, validate } from './validate.js';

export { closest } from './validate.js';

export interface LoadResult {
  content?: Content;
  diagnostics: Diagnostic[];
  /**
   * What did load even when errors keep `content` unset (e.g. a root with no issue yet): the
   * publication if it validated, the valid articles and issues. For scaffolding, never for output.
   */
  partial: { publication?: Publication; articles: Map<string, Article>; issues: IssueSource[] };
}

/**
 * load: reads `content/` under a root and validates it. Never throws for bad content: every
 * problem in every file becomes a diagnostic, so an editor sees all of them at once.
 */
export async function loadContent(root: string, cache?: BuildCache): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const contentDir = path.join(root, 'content');
  const read = reader(root, diagnostics, cache);
  const { publication, found: pubFound } = readPublication(root, read, diagnostics, cache);

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
    const { fm, v } = parseCached(cache, 'article', f, () => {
      const fm = splitFrontMatter(f.text, f.file);
      return { fm, v: fm.parsed ? validate(articleSchema, fm.parsed, f.file, KNOWN_KEYS.article) : undefined };
    });
    diagnostics.push(...fm.diagnostics);
    if (!v) continue;
    diagnostics.push(...v.diagnostics);
    if (!v.value) continue;
    diagnostics.push(...insecureUrlFindings(v.value, f.file, fm.parsed));
    // Located only when missing: a field's line needs the slower YAML parser (load/yaml.ts).
    const missing = v.value.image && missingImage(v.value.image.src, root, { file: f.file, field: 'image.src' });
    if (missing) diagnostics.push({ ...missing, ...fm.parsed?.locate(['image', 'src']), field: 'image.src' });
    // The same Article object for the same file and language, so compose can cache by identity.
    const value = v.value;
    const make = (): Article => {
      const a = value;
      const lang = a.lang ?? publication?.language;
      return {
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
    };
    articles.set(slug, cache ? cache.derive('article-object', f, publication?.language ?? '', make) : make());
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
    const { fm, v } = parseCached(cache, 'issue', f, () => {
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

  // Links out of the root are never read nor published (src/util/links.ts).
  diagnostics.push(...linkFindings(root, contentDir));

  // Newest first, the order of the archive and the preview's list.
  issues.sort(newestFirst);
  const partial = { publication, articles, issues };
  if (!publication || diagnostics.some((d) => d.severity === 'error')) return { diagnostics, partial };
  return { content: { root, publication, articles, issues }, diagnostics, partial };
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
