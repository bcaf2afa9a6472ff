import { Feed } from 'feed';
import { escapeHtml } from '../render/merge.js';
import type { Publication } from '../types.js';
import type { IssueEntry } from './entries.js';

/**
 * feed.xml: Atom, one entry per issue (id and link = the web version). Titles and summaries are
 * `type="html"` in the `feed` package, so they are HTML-escaped here. `updated` is the newest
 * issue's date, never "now": the same content gives the same file.
 */
export function renderFeed(publication: Publication, entries: IssueEntry[]): string {
  const home = `${publication.url}/`;
  const feed = new Feed({
    id: home,
    title: publication.name,
    description: publication.description,
    link: home,
    feedLinks: { atom: `${publication.url}/feed.xml` },
    language: publication.language,
    author: { name: publication.name, link: home },
    updated: entries[0] ? dayOf(entries[0].date) : new Date(0),
    generator: 'Gazette',
  });
  for (const e of entries) {
    feed.addItem({
      id: e.webUrl,
      link: e.webUrl,
      title: escapeHtml(e.title),
      date: dayOf(e.date),
      published: dayOf(e.date),
      description: e.preheader ? escapeHtml(e.preheader) : undefined,
      content: entryHtml(e),
    });
  }
  return feed.atom1();
}

/** A short HTML body: the preheader and the issue's articles, linked; the full issue is one click away. */
function entryHtml(e: IssueEntry): string {
  const items = e.articles
    .map(
      (a) =>
        `<li><a href="${escapeHtml(a.url)}">${escapeHtml(a.title)}</a>${a.dek ? ` — ${escapeHtml(a.dek)}` : ''}</li>`,
    )
    .join('');
  return [
    e.preheader ? `<p>${escapeHtml(e.preheader)}</p>` : '',
    items ? `<ul>${items}</ul>` : '',
    `<p><a href="${escapeHtml(e.webUrl)}">Read the issue</a></p>`,
  ].join('');
}

function dayOf(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}
