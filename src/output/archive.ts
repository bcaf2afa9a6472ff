import { label } from '../render/labels.js';
import { escapeHtml } from '../render/merge.js';
import { themeOf } from '../render/theme.js';
import type { Publication } from '../types.js';
import { directionOf } from '../util/direction.js';
import type { IssueEntry } from './entries.js';

/**
 * index.html: every issue, newest first, with its number, date, subject and preheader. Links are
 * relative (`issues/<slug>/`, `feed.xml`) so the same file works under `gazette serve` locally and
 * at publication.url in production; only the canonical and the feed's self link are absolute.
 */
export function renderArchive(publication: Publication, entries: IssueEntry[]): string {
  const t = themeOf(publication);
  const e = escapeHtml;
  const items = entries
    .map((i) => {
      const meta = `${i.number !== undefined ? `<span class="n">${e(label('issue', publication.language))} ${i.number}</span> · ` : ''}<time datetime="${e(i.date)}">${e(i.dateFormatted)}</time>`;
      return `<li>
<p class="meta">${meta}</p>
<h2><a href="${e(i.webPath)}">${e(i.title)}</a></h2>${i.preheader ? `\n<p>${e(i.preheader)}</p>` : ''}
</li>`;
    })
    .join('\n');
  const description = publication.description ?? `Past issues of the ${publication.name} newsletter.`;
  return `<!doctype html>
<html lang="${e(publication.language)}" dir="${directionOf(publication.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(publication.name)}: newsletter archive</title>
<meta name="description" content="${e(description)}">
<link rel="canonical" href="${e(publication.url)}/">
<link rel="alternate" type="application/atom+xml" title="${e(publication.name)}" href="feed.xml">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${e(publication.name)}">
<meta property="og:title" content="${e(publication.name)}: newsletter archive">
<meta property="og:description" content="${e(description)}">
<meta property="og:url" content="${e(publication.url)}/">
<style>
body{margin:0;background:${t.background};color:${t.text};font:17px/1.6 ${t.fontBody}}
main{max-width:40rem;margin:0 auto;padding:2rem 1.25rem 3rem;background:${t.paper};border-top:4px solid ${t.accent}}
header h1{margin:0;font:700 2rem/1.2 ${t.fontHeading}}
header p{margin:.5rem 0 0;color:${t.muted}}
a{color:${t.accent}}
ol{list-style:none;margin:2rem 0 0;padding:0}
li{padding:1.25rem 0;border-top:1px solid ${t.border}}
li h2{margin:.25rem 0;font:700 1.35rem/1.3 ${t.fontHeading}}
li h2 a{color:${t.text};text-decoration:none}
li h2 a:hover,li h2 a:focus{text-decoration:underline}
li p{margin:0}
.meta{color:${t.muted};font-size:.9rem}
.n{color:${t.accent};font-weight:700;text-transform:uppercase;letter-spacing:.06em}
footer{margin-top:2rem;color:${t.muted};font-size:.9rem}
@media (max-width:30rem){body{font-size:16px}header h1{font-size:1.6rem}main{padding-top:1.5rem}}
</style>
</head>
<body>
<main>
<header>
<h1>${e(publication.name)}</h1>
<p>${e(description)}</p>
</header>
${entries.length ? `<ol>\n${items}\n</ol>` : '<p>No issues yet.</p>'}
<footer><p><a href="feed.xml">Atom feed</a> · <a href="${e(publication.url)}">${e(new URL(publication.url).host)}</a></p></footer>
</main>
</body>
</html>
`;
}
