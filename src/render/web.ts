import { fillWithFallbacks, escapeHtml } from './merge.js';
import { themeOf } from './theme.js';
import type { Issue, Publication } from '../types.js';

const EMAIL_ONLY = /<!--\s*gazette:email-only\s*-->[\s\S]*?<!--\s*\/gazette:email-only\s*-->/g;

/**
 * The web version, derived from the compiled email instead of a second MJML run: the
 * email-only blocks (unsubscribe footer, "view in browser") removed, merge tags replaced by their
 * fallbacks, a head fit for a web page (title, description, Open Graph, canonical) and a small
 * bar linking the archive and the feed. The web version is served at `<url>/issues/<slug>/`, so
 * `../../` is the archive both under `gazette serve` and in production.
 */
export function renderWebVersion(emailHtml: string, issue: Issue): string {
  let html = fillWithFallbacks(emailHtml.replace(EMAIL_ONLY, ''), 'html');
  const description = issue.preheader ?? issue.articles[0]?.dek ?? issue.publication.description ?? issue.title;
  const image = issue.articles.find((a) => a.image)?.image?.url;
  const meta = [
    `<title>${escapeHtml(issue.title)} | ${escapeHtml(issue.publication.name)}</title>`,
    `<meta name="description" content="${escapeHtml(description)}">`,
    `<link rel="canonical" href="${escapeHtml(issue.webUrl)}">`,
    `<link rel="alternate" type="application/atom+xml" title="${escapeHtml(issue.publication.name)}" href="${escapeHtml(issue.publication.url)}/feed.xml">`,
    `<meta property="og:type" content="article">`,
    `<meta property="og:site_name" content="${escapeHtml(issue.publication.name)}">`,
    `<meta property="og:title" content="${escapeHtml(issue.title)}">`,
    `<meta property="og:description" content="${escapeHtml(description)}">`,
    `<meta property="og:url" content="${escapeHtml(issue.webUrl)}">`,
    image ? `<meta property="og:image" content="${escapeHtml(image)}">` : '',
    `<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}">`,
  ]
    .filter(Boolean)
    .join('\n');
  html = html.replace(/<title>[\s\S]*?<\/title>/, '');
  // A function replacement: a string one would expand `$&`, `$\`` and `$'` written in a title.
  html = html.replace(/<head>/, (head) => `${head}\n${meta}`);
  return html.replace(/<body[^>]*>/, (body) => `${body}\n${archiveBar(issue)}`);
}

const BAR = /<nav aria-label="Newsletter archive"[^>]*>[\s\S]*?<\/nav>/;

/**
 * The web version as written to `dist/<slug>/web.html`, one folder deep: its archive links point
 * at `../index.html` and `../feed.xml`, so they work opened from disk as well as served.
 */
export function webVersionAtIssueFolder(webHtml: string): string {
  return webHtml.replace(BAR, (nav) =>
    nav.replaceAll('href="../../"', 'href="../index.html"').replaceAll('href="../../feed.xml"', 'href="../feed.xml"'),
  );
}

function archiveBar(issue: Issue): string {
  return navBar(issue.publication, [
    { href: '../../', text: '&larr; All issues' },
    { href: '../../feed.xml', text: 'Feed' },
  ]);
}

/** The bar of archive links at the top of a web page; `text` is HTML (escaped by the caller). */
function navBar(publication: Publication, links: { href: string; text: string }[]): string {
  const t = themeOf(publication);
  const link = `color:${t.accent};text-decoration:underline`;
  return `<nav aria-label="Newsletter archive" style="max-width:600px;margin:0 auto;padding:12px 16px;font:14px/1.5 ${escapeHtml(t.fontBody)};color:${t.muted}">${links.map((l) => `<a href="${escapeHtml(l.href)}" style="${link}">${l.text}</a>`).join(' &middot; ')}</nav>`;
}

/** A web version with other archive links (the article pages list the issues that carry them). */
export function replaceArchiveBar(
  webHtml: string,
  publication: Publication,
  links: { href: string; text: string }[],
): string {
  return webHtml.replace(BAR, () => navBar(publication, links));
}
