import { describe, expect, it } from 'vitest';
import { formatList } from '../../src/compose/index.js';

// Bylines list their authors the way the article's language does. English is written by hand
// (no ICU to load at start-up): it must be exactly what Intl.ListFormat gives.
describe('formatList', () => {
  const names = ['Amira Haddad', 'Jo', 'Li Wei', 'María José Pérez', 'O’Neil, Jr.', 'Ω'];
  it('writes English lists as Intl does, for 0 to 6 names', () => {
    for (const lang of ['en', 'en-US']) {
      const intl = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });
      for (let n = 0; n <= names.length; n++)
        expect(formatList(names.slice(0, n), lang)).toBe(intl.format(names.slice(0, n)));
    }
  });

  it('leaves other languages to Intl', () => {
    expect(formatList(['A', 'B', 'C'], 'fr')).toBe('A, B et C');
    expect(formatList(['A', 'B'], 'en-GB')).toBe(
      new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' }).format(['A', 'B']),
    );
  });
});
