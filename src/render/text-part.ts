import { wrap } from '../compose/text.js';
import type { ComposedArticle, Issue } from '../types.js';
import { label } from './labels.js';

const RULE = '-'.repeat(40);

/**
 * The text/plain part: the same content as the HTML, readable in any client, with every link
 * written out. Merge tags (as sentinels) pass through and are filled per recipient.
 */
export function renderTextPart(issue: Issue, unsubscribe: string): string {
  const { publication, lang } = issue;
  // The theme's words, as in the HTML part, so an Arabic issue's text part is not in English.
  const head = [
    publication.name,
    issue.number ? `${label('issue', lang)} ${issue.number}` : undefined,
    issue.dateFormatted,
  ]
    .filter(Boolean)
    .join(' | ');
  const parts: string[] = [head, `${label('viewInBrowser', lang)}: ${issue.webUrl}`];
  if (issue.introText.trim()) parts.push(issue.introText);
  // A feature issue: the first article in full, the others as teasers (as in the HTML).
  issue.articles.forEach((a, i) =>
    parts.push(RULE + '\n\n' + (issue.layout === 'feature' && i === 0 ? feature(a) : teaser(a))),
  );
  parts.push(
    RULE,
    [publication.name, publication.address, publication.url].join('\n'),
    `${label('whyReceiving', lang, { name: publication.name })}\n${label('unsubscribe', lang)}: ${unsubscribe}`,
  );
  return parts.join('\n\n') + '\n';
}

function heading(a: ComposedArticle): string {
  const lines = [];
  if (a.section) lines.push(a.section.toUpperCase());
  lines.push(...wrap(a.title, 72));
  if (a.dek) lines.push('', ...wrap(a.dek, 72));
  lines.push('', [a.byline, a.dateFormatted].filter(Boolean).join(' | '));
  return lines.join('\n');
}

function teaser(a: ComposedArticle): string {
  return [heading(a), wrap(a.excerpt, 72).join('\n'), `${label('readMore', a.lang)}: ${a.url}`].join('\n\n');
}

function feature(a: ComposedArticle): string {
  const credit = a.image?.credit ? `[${a.image.credit}]\n\n` : '';
  return `${credit}${heading(a)}\n\n${a.text}\n\n${label('readOnWeb', a.lang)}: ${a.url}`;
}
