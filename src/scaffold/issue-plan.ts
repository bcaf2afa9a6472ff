import type { Article, IssueSource, Publication } from '../types.js';
import { formatDate } from '../util/dates.js';
import type { IssueFileOptions } from './templates.js';

// What `gazette new issue` proposes: the articles an editor would put in the next issue (the
// ones no issue has used yet, newest first) and a subject made of the publication, the issue
// number and the lead story, as editors write them ("The Beacon #4: Zebra crossing reopens").

export interface IssuePlanInput {
  /** What loaded of the root (content/ may still have errors, e.g. no issue at all yet). */
  publication?: Pick<Publication, 'name' | 'language'>;
  articles: readonly Article[];
  issues: readonly Pick<IssueSource, 'articles' | 'number'>[];
  /** Article files that did not validate: offered after the others, they have no date to sort by. */
  unreadSlugs?: readonly string[];
  date: string;
  title?: string;
  layout: string;
}

/** At most this many teasers in a proposed digest: more makes a long email. */
const MAX_ARTICLES = 6;
/** Inboxes cut subjects from about 70 characters (compliance/subject-length). */
const MAX_SUBJECT = 70;

export function planIssue(o: IssuePlanInput): Omit<IssueFileOptions, 'layout'> & { layout: string } {
  const newestFirst = [...o.articles].sort((a, b) => b.date.localeCompare(a.date) || a.slug.localeCompare(b.slug));
  const unread = (o.unreadSlugs ?? []).filter((s) => !o.articles.some((a) => a.slug === s));
  const all = [...newestFirst.map((a) => a.slug), ...unread];
  const used = new Set(o.issues.flatMap((i) => i.articles));
  // A draft article would make the issue unsendable (send/draft): suggest it, never list it.
  const drafts = new Set(newestFirst.filter((a) => a.draft).map((a) => a.slug));
  const candidates = all.filter((s) => !drafts.has(s));
  const fresh = candidates.filter((s) => !used.has(s));
  const pool = fresh.length ? fresh : candidates.slice(0, 1);
  const chosen = pool.slice(0, o.layout === 'feature' ? 1 : MAX_ARTICLES);

  const numbers = o.issues.map((i) => i.number).filter((n): n is number => n !== undefined);
  // The first issue is number 1; later ones continue the numbering when the issues have one.
  const number = numbers.length ? Math.max(...numbers) + 1 : o.issues.length === 0 ? 1 : undefined;
  const lead = newestFirst.find((a) => a.slug === chosen[0])?.title;
  return {
    title: o.title?.trim() || subject(o.publication, number, lead, o.date),
    date: o.date,
    number,
    layout: o.layout,
    articles: chosen,
    others: all.filter((s) => !chosen.includes(s)).slice(0, 20),
  };
}

function subject(
  publication: IssuePlanInput['publication'],
  number: number | undefined,
  lead: string | undefined,
  date: string,
): string {
  const name = publication?.name.trim();
  const masthead = name ? (number === undefined ? name : `${name} #${number}`) : undefined;
  if (masthead && lead) {
    const both = `${masthead}: ${lead}`;
    return both.length <= MAX_SUBJECT ? both : lead;
  }
  if (lead) return lead;
  if (masthead && number !== undefined) return masthead;
  return `${masthead ?? 'Issue'}: ${formatDate(date, publication?.language ?? 'en')}`;
}
