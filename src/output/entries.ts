import { formatDate } from '../util/dates.js';
import { articleUrl, issueWebUrl } from '../compose/urls.js';
import type { Article, Content } from '../types.js';

/** True when Gazette makes the article's page: no `url` of its own, and not a draft. */
export function hasArticlePage(article: Article): boolean {
  return !article.url && !article.draft;
}

/** One issue as the archive and the feed show it: metadata only, no MJML. */
export interface IssueEntry {
  slug: string;
  title: string;
  date: string;
  dateFormatted: string;
  number?: number;
  preheader?: string;
  /** Absolute address of the web version. */
  webUrl: string;
  /** The web version relative to the site root (dist/ as `gazette serve` maps it). */
  webPath: string;
  articles: { title: string; dek?: string; url: string }[];
  /** The slugs of its articles, in order. */
  articleSlugs: string[];
}

/**
 * Every issue of the content, in the loaded order (newest first: load/order.ts), so that the
 * archive and the feed list all issues even when `gazette build --issue X` rendered only one.
 */
export function issueEntries(content: Content): IssueEntry[] {
  const { publication } = content;
  // Drafts are built and previewed but never listed.
  const published = content.issues.filter((source) => !source.draft);
  return published.map((source) => ({
    slug: source.slug,
    title: source.title,
    date: source.date,
    dateFormatted: formatDate(source.date, publication.language),
    number: source.number,
    preheader: source.preheader,
    webUrl: issueWebUrl(publication, source.slug),
    webPath: `issues/${encodeURIComponent(source.slug)}/`,
    articleSlugs: source.articles,
    articles: source.articles.flatMap((slug) => {
      const a = content.articles.get(slug);
      return a && !a.draft ? [{ title: a.title, dek: a.dek, url: articleUrl(a, publication) }] : [];
    }),
  }));
}
