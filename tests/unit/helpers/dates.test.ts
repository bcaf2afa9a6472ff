import { describe, expect, it } from 'vitest';
import { formatDate, today } from '../../../src/util/dates.js';

// Three copies before: compose's formatDate (threw on an impossible date), the issue planner's
// longDate (returned the ISO text), and two today()s: `gazette new` took the local date,
// `gazette init` the UTC one (a day off in the evening west of Greenwich, the morning east).
describe('formatDate', () => {
  it('formats a calendar date in the long style of the language, never shifted by a time zone', () => {
    expect(formatDate('2025-11-18', 'en')).toBe('November 18, 2025');
    expect(formatDate('2025-11-18', 'fr')).toBe('18 novembre 2025');
    expect(formatDate('2025-01-01', 'en-GB')).toBe('1 January 2025');
  });

  it('gives the ISO text back for an unknown language tag or a date that cannot be read', () => {
    expect(formatDate('2025-11-18', 'not a tag!')).toBe('2025-11-18');
    expect(formatDate('soon', 'en')).toBe('soon');
  });
});

describe('today', () => {
  it('is the local calendar date, as the editor writes it, not the UTC one', () => {
    const saved = process.env.TZ;
    // UTC+14: at noon UTC on 31 December it is already 2 a.m. on 1 January there.
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(today(new Date(Date.UTC(2026, 11, 31, 12, 0)))).toBe('2027-01-01');
      process.env.TZ = 'America/Los_Angeles';
      expect(today(new Date(Date.UTC(2027, 0, 1, 3, 0)))).toBe('2026-12-31');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('formatDate, remembered per language', () => {
  it('gives each language its own text for the same date, every time', () => {
    for (let round = 0; round < 2; round++) {
      expect(formatDate('2025-11-18', 'en')).toBe('November 18, 2025');
      expect(formatDate('2025-11-18', 'fr')).toBe('18 novembre 2025');
      expect(formatDate('2025-11-18', 'xx-not-a-tag-!')).toBe('2025-11-18');
    }
  });

  it('stays right past the number of dates it keeps (a long archive)', () => {
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 20_050; i++) formatDate(day(i), 'de');
    expect(formatDate(day(0), 'de')).toBe('1. Januar 2000');
    expect(formatDate(day(20_049), 'de')).toBe(formatDate(day(20_049), 'de'));
    expect(formatDate('2025-11-18', 'de')).toBe('18. November 2025');
  });
});

describe('formatDate in English, written without Intl', () => {
  it('is the text Intl gives, for every day from 1890 to 2110 and at the ends of the calendar', () => {
    const intl = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
    const days: string[] = [];
    for (let t = Date.UTC(1890, 0, 1); t <= Date.UTC(2110, 11, 31); t += 86_400_000) days.push(iso(t));
    days.push('0001-01-01', '0099-12-31', '9999-12-31', '2024-02-29');
    for (const lang of ['en', 'en-US'])
      for (const day of days) {
        const [y, m, d] = day.split('-').map(Number) as [number, number, number];
        expect(formatDate(day, lang)).toBe(intl.format(Date.UTC(y, m - 1, d)));
      }
  });
});
