import type { Article, Publication } from '../types.js';

/** Where an issue's web version lives: `gazette serve` maps it to dist/<slug>/web.html. */
export function issueWebUrl(publication: Publication, slug: string): string {
  return `${publication.url}/issues/${encodeURIComponent(slug)}/`;
}

/** An article's canonical address: front-matter `url`, else publication.url/articles/<slug>/. */
export function articleUrl(article: Pick<Article, 'slug' | 'url'>, publication: Publication): string {
  return article.url ?? `${publication.url}/articles/${encodeURIComponent(article.slug)}/`;
}
