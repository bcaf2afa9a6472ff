import type { TextDirection } from '../types.js';

/** Languages written right to left (primary subtags; `iw` is Hebrew's old code). */
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** True for a BCP 47 tag of a right-to-left language or in Arabic script (`pa-Arab`). */
export function isRtlLanguage(lang: string | undefined): boolean {
  if (!lang) return false;
  return RTL_LANGUAGES.has(lang.toLowerCase().split('-')[0]!) || /-arab\b/i.test(lang);
}

/** The `dir` an article gets when its front-matter gives none. */
export function directionOf(lang: string | undefined): TextDirection {
  return isRtlLanguage(lang) ? 'rtl' : 'ltr';
}
