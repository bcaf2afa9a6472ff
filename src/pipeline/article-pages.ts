import { hasArticlePage, issueEntries } from '../output/entries.js';
import type { OutputFile } from '../output/write.js';
import { escapeHtml } from '../render/merge.js';
import { readTheme } from '../render/theme-files.js';
import { replaceArchiveBar } from '../render/web.js';
import { issueWebUrl, articleUrl } from '../compose/urls.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { Content, Diagnostic, IssueSource } from '../types.js';
import { lazyTheme, renderSource } from './build.js';

export { hasArticlePage };

/**
 * `articles/<slug>/index.html` for every article without its own `url`: the article in full,
 * rendered through the theme's feature layout and turned into a web page the way an issue's web
 * version is, with links to the archive and to the issues that carry it. Emails link their
 * "Read more" here, so without these pages a newsletter-first publication links nowhere.
 */
export async function articlePageFiles(
  content: Content,
  cache: BuildCache,
): Promise<{ files: OutputFile[]; diagnostics: Diagnostic[] }> {
  const articles = [...content.articles.values()].filter(hasArticlePage);
  if (!articles.length) return { files: [], diagnostics: [] };
  const templates = await readTheme(content.root, cache);
  const theme = lazyTheme(templates, cache);
  const entries = issueEntries(content);
  const files: OutputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const article of articles) {
    const source: IssueSource = {
      slug: article.slug,
      file: article.file,
      title: article.title,
      date: article.date,
      preheader: article.dek,
      layout: 'feature',
      articles: [article.slug],
      intro: '',
      introLine: 1,
    };
    const one = await renderSource(content, source, { theme, templates, cache });
    const broken = theme.failed();
    if (broken) return { files: [], diagnostics: broken };
    // Errors only: size and client findings are about emails, and this page is never mailed.
    diagnostics.push(...one.diagnostics.filter((d) => d.severity === 'error'));
    if (!one.rendered) continue;
    const own = escapeHtml(articleUrl(article, content.publication));
    const carriers = entries.filter((e) => e.articleSlugs.includes(article.slug));
    const html = replaceArchiveBar(
      one.rendered.webHtml.replaceAll(
        `"${escapeHtml(issueWebUrl(content.publication, article.slug))}"`,
        () => `"${own}"`,
      ),
      content.publication,
      [
        { href: '../../index.html', text: '&larr; All issues' },
        { href: '../../feed.xml', text: 'Feed' },
        ...carriers.map((e) => ({
          href: `../../${e.webPath}index.html`,
          text: `In ${e.number !== undefined ? `issue ${e.number}: ` : ''}${escapeHtml(e.title)}`,
        })),
      ],
    );
    files.push({ path: `articles/${article.slug}/index.html`, contents: html });
    for (const i of one.rendered.images ?? []) files.push({ path: i.path, contents: i.contents });
  }
  return { files, diagnostics };
}
