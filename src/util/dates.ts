// Dates as Gazette shows and writes them: one formatter for the issue, the archive, the feed and
// the scaffolding, and one idea of "today".

// Intl formatters are costly to construct (about a millisecond each): one per language. Not build
// state: a formatter depends on its language alone and never goes stale (tests/unit/build-cache.test.ts).
const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * A YYYY-MM-DD date in the long style of `lang` ("18 November 2025", "١٨ نوفمبر ٢٠٢٥"), read as
 * a calendar date (UTC, so no time zone moves it a day). The ISO text itself when the language
 * or the date cannot be formatted.
 */
export function formatDate(iso: string, lang: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  if (!dateFormats.has(lang)) {
    let format: Intl.DateTimeFormat | null = null;
    try {
      format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    } catch {
      // An unknown language tag: the ISO date below.
    }
    dateFormats.set(lang, format);
  }
  const at = Date.UTC(y, m - 1, d);
  if (Number.isNaN(at)) return iso;
  return dateFormats.get(lang)?.format(at) ?? iso;
}

/** Today's date where the editor is (local time), as YYYY-MM-DD: what they would write in front-matter. */
export function today(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}
