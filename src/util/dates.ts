// Dates as Gazette shows and writes them: one formatter for the issue, the archive, the feed and
// the scaffolding, and one idea of "today".

// Intl formatters are costly to construct (about a millisecond each): one per language, with the
// dates it formatted (an archive's index, feed and pages show each date several times). Not build
// state: a formatted date depends on its language and date alone and never goes stale
// (tests/unit/build-cache.test.ts).
const dateFormats = new Map<string, { format: ((at: number) => string) | null; done: Map<string, string> }>();

/** Formatted dates kept per language; past this many, the language's memo starts again. */
const MAX_REMEMBERED = 20_000;

/**
 * A YYYY-MM-DD date in the long style of `lang` ("18 November 2025", "١٨ نوفمبر ٢٠٢٥"), read as
 * a calendar date (UTC, so no time zone moves it a day). The ISO text itself when the language
 * or the date cannot be formatted.
 */
export function formatDate(iso: string, lang: string): string {
  let entry = dateFormats.get(lang);
  if (!entry) {
    entry = { format: longDateFormat(lang), done: new Map() };
    dateFormats.set(lang, entry);
  }
  const known = entry.done.get(iso);
  if (known !== undefined) return known;
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const at = Date.UTC(y, m - 1, d);
  const text = Number.isNaN(at) ? iso : (entry.format?.(at) ?? iso);
  if (entry.done.size >= MAX_REMEMBERED) entry.done.clear();
  entry.done.set(iso, text);
  return text;
}

/** The long-date formatter of `lang`; none for a tag Intl does not know (the ISO text is shown). */
function longDateFormat(lang: string): ((at: number) => string) | null {
  if (inPlainEnglish(lang)) return englishLong;
  try {
    const intl = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    return (at) => intl.format(at);
  } catch {
    return null;
  }
}

/**
 * Whether `lang` is the English whose dates and lists Gazette writes itself rather than through
 * Intl: the first Intl object of a process loads ICU's data (about 16 ms of a 450 ms cold build),
 * and most publications are in English. The same text as Intl's (tests/unit/helpers/dates.test.ts,
 * tests/unit/byline-list.test.ts).
 */
export function inPlainEnglish(lang: string): boolean {
  return lang === 'en' || lang === 'en-US';
}

const MONTHS = 'January February March April May June July August September October November December'.split(' ');

function englishLong(at: number): string {
  const date = new Date(at);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** Today's date where the editor is (local time), as YYYY-MM-DD: what they would write in front-matter. */
export function today(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}
