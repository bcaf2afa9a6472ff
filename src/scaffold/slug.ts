/** The loader's rule for file names of articles and issues (load/index.ts). */
// Dots inside are allowed (`go1.26`), never first or last, so no slug is `.`, `..` or hidden.
export const SLUG_RULE = /^[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}_-])?$/u;

const MAX_SLUG_CHARS = 60;

/**
 * A file-name slug from a title, in the title's own script: "Café Müller" -> "cafe-muller",
 * "أمسية للشعر" -> "امسية-للشعر". Combining marks are dropped (accents on Latin letters,
 * Arabic harakat and hamza) because the slug rule allows letters and digits only; returns ''
 * when nothing usable is left (e.g. a title of emoji only).
 */
export function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if ([...next].length > MAX_SLUG_CHARS && slug) break; // cut at a word boundary
    slug = next;
  }
  slug = [...slug].slice(0, MAX_SLUG_CHARS).join('');
  return SLUG_RULE.test(slug) ? slug : '';
}
