import { themeOf, type Theme } from '../render/theme.js';
import type {
  Article,
  ComposedArticle,
  Content,
  Diagnostic,
  Issue,
  IssueSource,
  MergeTag,
  Publication,
} from '../types.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { SourceNote } from './embeds.js';
import { formatDate, inPlainEnglish } from '../util/dates.js';
import { directionOf } from '../util/direction.js';
import { renderMarkdown, resolveUrl } from './markdown.js';
import { protectProse, restoreLiterals } from './prose.js';
import { missingImage } from '../images/local.js';
import { articleUrl, issueWebUrl } from './urls.js';

export interface ComposeResult {
  issue: Issue;
  /**
   * The intro's and each article's HTML (in the order of issue.articles) with the line marks of
   * compose/lines.ts: what the build renders, strips and keeps as the email's source map.
   */
  marked: { intro: string; articles: string[] };
  /** Merge tags found in the intro and article bodies (as sentinels in the HTML for now). */
  mergeTags: MergeTag[];
  diagnostics: Diagnostic[];
}

const EXCERPT_CHARS = 240;

/** compose: orders an issue's articles and turns their Markdown into email-safe HTML and text. */
export function composeIssue(content: Content, source: IssueSource, cache?: BuildCache): ComposeResult {
  const { publication } = content;
  const theme = themeOf(publication);
  const mergeTags: MergeTag[] = [];
  const diagnostics: Diagnostic[] = [];
  const lang = publication.language;
  // The issue's own text (intro, header, footer) is in the publication's language, laid out in its direction.
  const dir = directionOf(lang);

  const markedArticles: string[] = [];
  const articles = source.articles.map((slug) => {
    const article = content.articles.get(slug);
    if (!article) throw new Error(`compose: article ${slug} was not loaded`); // load reports it first
    const composed = composeArticle(article, publication, theme, cache);
    mergeTags.push(...composed.tags);
    diagnostics.push(...composed.diagnostics.map((d) => ({ ...d, issue: source.slug })));
    diagnostics.push(...missingImages(composed.localImages, content.root, article.file, source.slug));
    markedArticles.push(composed.markedHtml);
    return composed.article;
  });

  const intro = protectProse(source.intro, source.file, source.introLine);
  mergeTags.push(...intro.tags);
  diagnostics.push(...intro.diagnostics.map((d) => ({ ...d, issue: source.slug })));
  const introMd = renderMarkdown(intro.text, {
    baseUrl: publication.url,
    dir,
    theme,
    docId: source.slug,
    cache,
    source: { file: source.file, line: source.introLine },
  });
  diagnostics.push(...missingImages(introMd.localImages, content.root, source.file, source.slug));
  diagnostics.push(...located(introMd.notes, source.file, source.introLine).map((d) => ({ ...d, issue: source.slug })));

  const issue: Issue = {
    slug: source.slug,
    file: source.file,
    title: source.title,
    ...(source.draft ? { draft: true } : {}),
    date: source.date,
    dateFormatted: formatDate(source.date, lang),
    number: source.number,
    preheader: source.preheader,
    layout: source.layout,
    introHtml: introMd.html,
    introText: introMd.text,
    articles,
    publication,
    webUrl: issueWebUrl(publication, source.slug),
    lang,
    dir,
  };
  return { issue, mergeTags, diagnostics, marked: { intro: introMd.markedHtml, articles: markedArticles } };
}

/** Checked on every compose, outside the article caches: an image file may appear or go at any time. */
function missingImages(
  images: readonly { src: string; line?: number }[],
  root: string,
  file: string,
  issue: string,
): Diagnostic[] {
  return images.flatMap((i) => {
    const d = missingImage(i.src, root, { file, ...(i.line ? { line: i.line } : {}) });
    return d ? [{ ...d, issue }] : [];
  });
}

function composeArticle(
  article: Article,
  publication: Publication,
  theme: Theme,
  cache: BuildCache | undefined,
): ArticleEntry {
  // Loading hands out the same Article object while its file is unchanged: the preview rebuilds
  // only the articles a save changed.
  const key = `${publication.url}\0${publication.language}\0${publication.accentColor}`;
  const make = () => composeArticleNow(article, publication, theme, cache);
  return cache ? cache.derive('composed-article', article, key, make) : make();
}

interface ArticleEntry {
  article: ComposedArticle;
  tags: MergeTag[];
  diagnostics: Diagnostic[];
  markedHtml: string;
  localImages: { src: string; line?: number }[];
}

function composeArticleNow(
  article: Article,
  publication: Publication,
  theme: Theme,
  cache: BuildCache | undefined,
): ArticleEntry {
  const lang = article.lang ?? publication.language;
  const body = protectProse(article.body, article.file, article.bodyLine);
  const md = renderMarkdown(body.text, {
    baseUrl: publication.url,
    dir: article.dir,
    theme,
    docId: article.slug,
    cache,
    ...(article.url ? { imageBase: article.url } : {}),
    source: { file: article.file, line: article.bodyLine },
  });
  // Only an http(s) image ever reaches src, og:image or the feed (the schema refuses the rest too).
  const imageUrl = article.image && resolveUrl(article.image.src, publication.url);
  const darkUrl = article.image?.dark && resolveUrl(article.image.dark, publication.url);
  const image =
    article.image && imageUrl && /^https?:/.test(imageUrl)
      ? { ...article.image, url: imageUrl, ...(darkUrl && /^https?:/.test(darkUrl) ? { darkUrl } : {}) }
      : undefined;
  const composed: ComposedArticle = {
    slug: article.slug,
    file: article.file,
    title: article.title,
    ...(article.draft ? { draft: true } : {}),
    date: article.date,
    dateFormatted: formatDate(article.date, lang),
    authors: article.authors,
    byline: formatList(
      article.authors.map((a) => a.name),
      lang,
    ),
    dek: article.dek,
    image,
    section: article.section,
    url: articleUrl(article, publication),
    lang,
    dir: article.dir,
    html: md.html,
    text: md.text,
    excerpt: article.excerpt ?? restoreLiterals(truncate(md.firstParagraph, EXCERPT_CHARS), 'text'),
  };
  return {
    article: composed,
    tags: body.tags,
    diagnostics: [...body.diagnostics, ...located(md.notes, article.file, article.bodyLine)],
    markedHtml: md.markedHtml,
    localImages: md.localImages,
  };
}

/** Notes about a Markdown body, at lines of its file. */
function located(notes: readonly SourceNote[], file: string, bodyLine: number): Diagnostic[] {
  return notes.map((n) => ({
    code: n.code,
    severity: n.severity,
    message: n.message,
    hint: n.hint,
    file,
    line: bodyLine + n.line - 1,
  }));
}

// Intl formatters are costly to construct (about a millisecond each): one per language. Not build
// state: a formatter depends on its language alone and never goes stale (tests/unit/build-cache.test.ts).
const listFormats = new Map<string, Intl.ListFormat | null>();

/** "A, B, and C" for a byline, in the article's language (English without Intl: inPlainEnglish). */
export function formatList(names: string[], lang: string): string {
  if (inPlainEnglish(lang)) {
    if (names.length <= 2) return names.join(' and ');
    return `${names.slice(0, -1).join(', ')}, and ${names.at(-1)}`;
  }
  if (!listFormats.has(lang))
    listFormats.set(
      lang,
      tryCreate(() => new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' })),
    );
  return listFormats.get(lang)?.format(names) ?? names.join(', ');
}

function tryCreate<T>(make: () => T): T | null {
  try {
    return make();
  } catch {
    return null;
  }
}

function truncate(s: string, max: number): string {
  if ([...s].length <= max) return s;
  const cut = [...s].slice(0, max).join('');
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2)).replace(/[\s,;:.–—-]+$/, '') + '…';
}
