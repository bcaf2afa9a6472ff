import { BuildCache } from '../cache/build-cache.js';
import type { Content, RenderedIssue } from '../types.js';
import type { OutputFile } from './write.js';
import { renderArchive } from './archive.js';
import { issueEntries } from './entries.js';
import { renderFeed } from './feed.js';
import { articlePageFiles } from '../pipeline/article-pages.js';

export { issueEntries, type IssueEntry } from './entries.js';

/**
 * The site around the issues: the archive (index.html), the feed (feed.xml) and the article
 * pages (articles/<slug>/index.html). The archive and the feed are made
 * from the content's issue metadata, not from the rendered issues, so they list every issue even
 * when the build rendered only one (`gazette build --issue X`).
 */
export async function siteFiles(
  content: Content,
  issues: RenderedIssue[],
  cache: BuildCache = new BuildCache(),
): Promise<OutputFile[]> {
  const entries = issueEntries(content);
  const articles = await articlePageFiles(content, cache);
  return [
    ...articles.files,
    { path: 'index.html', contents: renderArchive(content.publication, entries) },
    { path: 'feed.xml', contents: renderFeed(content.publication, entries) },
    // The web version at its public address too, so dist/ works on any static host with no
    // rewrite rules (`gazette serve` maps /issues/<slug>/ to <slug>/web.html itself).
    ...issues
      .filter((r) => !r.issue.draft)
      .map((r) => ({ path: `issues/${r.issue.slug}/index.html`, contents: r.webHtml })),
  ];
}
