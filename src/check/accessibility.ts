import { isRtlLanguage } from '../util/direction.js';
import { contrastRatio } from '../render/theme.js';
import type { Diagnostic } from '../types.js';
import { ancestorOrSelf, inherited, parseStyle, textOf, type El, type TextRun } from './html.js';
import { finding, type RuleContext } from './rule.js';

export const MIN_FONT_PX = 14;
export const AA_NORMAL = 4.5;
export const AA_LARGE = 3;

/** lang and dir, heading order, text contrast (WCAG AA) and a readable size on phones. */
export function checkAccessibility(ctx: RuleContext): Diagnostic[] {
  const { email, sources, r } = ctx;
  const out: Diagnostic[] = [];
  const layoutAt = sources.layout();

  const html = email.elements.find((e) => e.tag === 'html');
  // MJML writes lang="und" (undetermined) when the layout gives none.
  const lang = html?.attrs.lang?.trim().toLowerCase();
  if (!lang || lang === 'und') {
    out.push(
      finding(
        'a11y/html-lang',
        'error',
        `<html> has ${lang ? 'lang="und" (undetermined)' : 'no lang attribute'}`,
        'Write `<mjml lang="{{issue.lang}}">` in the layout, and set `language:` in publication.yml; screen readers pick their voice from it.',
        layoutAt,
      ),
    );
  }

  for (const a of r.issue.articles) {
    if (isRtlLanguage(a.lang) && a.dir !== 'rtl') {
      out.push(
        finding(
          'a11y/rtl-dir',
          'error',
          `article "${a.title}" is in a right-to-left language (${a.lang}) but is laid out left to right`,
          'Remove `dir: ltr` from the article (Gazette derives rtl from `lang`) or write `dir: rtl`.',
          sources.keyLine('article', 'dir', a.file) ?? { file: a.file, line: 1 },
        ),
      );
    }
  }
  const reportedLang = new Set<string>();
  for (const el of email.elements) {
    const elLang = el.attrs.lang;
    if (!isRtlLanguage(elLang) || reportedLang.has(elLang!)) continue;
    const withDir = ancestorOrSelf(el, (e) => e.attrs.dir !== undefined);
    if (
      withDir?.attrs.dir?.toLowerCase() !== 'rtl' &&
      !r.issue.articles.some((a) => isRtlLanguage(a.lang) && a.dir !== 'rtl')
    ) {
      reportedLang.add(elLang!);
      out.push(
        finding(
          'a11y/rtl-dir',
          'error',
          `text in lang="${elLang}" is not marked dir="rtl"`,
          'Put dir="rtl" (e.g. `dir="{{dir}}"`) on the element that carries the right-to-left lang.',
          sources.at(el, [`lang="${elLang}"`], ['template', 'article']),
        ),
      );
    }
  }

  let previous = 0;
  for (const el of email.elements) {
    const m = /^h([1-6])$/.exec(el.tag);
    if (!m || el.hidden) continue;
    const level = Number(m[1]);
    if (previous && level > previous + 1) {
      const text = textOf(email, el);
      out.push(
        finding(
          'a11y/heading-order',
          'warning',
          `heading "${text}" (h${level}) skips a level after an h${previous}`,
          `Use h${previous + 1} here (${'#'.repeat(previous + 1)} in Markdown); screen-reader users navigate by heading levels.`,
          sources.at(el, [text]),
        ),
      );
    }
    previous = level;
  }

  out.push(...contrastFindings(ctx), ...smallTextFindings(ctx));
  return out;
}

function contrastFindings(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pub = ctx.content.publication;
  const lows = lowContrastTexts(ctx.email.texts, (t) => [
    colorOf(t.parent, 'color') ?? '#000000',
    backgroundOf(t.parent) ?? '#ffffff',
  ]);
  for (const { t, fg, bg, large, ratio, needed, text } of lows) {
    const at =
      fg === pub.accentColor.toLowerCase() || bg === pub.accentColor.toLowerCase()
        ? (ctx.sources.keyLine('publication', 'accentColor') ?? ctx.sources.fallback)
        : ctx.sources.at(t.parent, [text.slice(0, 40), fg], ['article', 'issue', 'template']);
    out.push(
      finding(
        'a11y/contrast',
        'error',
        `text "${text.slice(0, 40)}" is ${fg} on ${bg}: contrast ${ratio.toFixed(2)}:1, below WCAG AA's ${needed}:1 for ${large ? 'large' : 'normal'} text`,
        'Darken the text or lighten the background (publication.yml `accentColor`, or the template colors) until the ratio reaches the WCAG AA minimum.',
        at,
      ),
    );
  }
  return out;
}

/** A visible text run whose colours miss WCAG AA (light or dark mode: the caller says which). */
export interface LowContrast {
  t: TextRun;
  fg: string;
  bg: string;
  large: boolean;
  ratio: number;
  needed: number;
  /** The run's text, whitespace collapsed. */
  text: string;
}

/**
 * The visible runs of `texts` below AA, once per colour pair and size; `colours` gives a run's
 * [foreground, background], or undefined to pass over it.
 */
export function lowContrastTexts(
  texts: readonly TextRun[],
  colours: (t: TextRun) => readonly [string, string] | undefined,
): LowContrast[] {
  const out: LowContrast[] = [];
  const seen = new Set<string>();
  for (const t of texts) {
    if (t.parent.hidden || !t.text.replace(/[\s\u00a0\u034f\u200b-\u200d]/g, '')) continue;
    const pair = colours(t);
    if (!pair) continue;
    const [fg, bg] = pair;
    const large = isLarge(t);
    const ratio = contrastRatio(fg, bg);
    const needed = large ? AA_LARGE : AA_NORMAL;
    if (ratio >= needed) continue;
    const key = `${fg}|${bg}|${large}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ t, fg, bg, large, ratio, needed, text: t.text.replace(/\s+/g, ' ').trim() });
  }
  return out;
}

function smallTextFindings(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const t of ctx.email.texts) {
    if (t.parent.hidden || !t.text.replace(/[\s\u00a0\u034f\u200b-\u200d]/g, '')) continue;
    const size = fontPx(t.parent);
    if (size === undefined || size >= MIN_FONT_PX || seen.has(size)) continue;
    seen.add(size);
    const text = t.text.replace(/\s+/g, ' ').trim();
    out.push(
      finding(
        'a11y/small-text',
        'warning',
        `text "${text.slice(0, 40)}" is ${size}px, smaller than ${MIN_FONT_PX}px on phones`,
        `Use font-size ${MIN_FONT_PX}px or more; iOS enlarges smaller text unpredictably and it is hard to read on a phone.`,
        ctx.sources.at(
          t.parent,
          [text.slice(0, 40), `font-size:${size}px`, `font-size="${size}px"`],
          ['article', 'issue', 'template'],
        ),
      ),
    );
  }
  // Mobile overrides in <style> media queries.
  for (const block of ctx.email.styles) {
    for (const m of block.css.matchAll(/@media[^{]*max-width[^{]*\{((?:[^{}]*\{[^}]*\})*)[^}]*\}/g)) {
      for (const rule of m[1]!.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
        const size = cssPx(parseStyle(rule[2]!)['font-size']);
        if (size !== undefined && size < MIN_FONT_PX) {
          const sel = rule[1]!.trim();
          out.push(
            finding(
              'a11y/small-text',
              'warning',
              `the mobile style for "${sel}" sets font-size ${size}px, smaller than ${MIN_FONT_PX}px`,
              `Use ${MIN_FONT_PX}px or more in the phone media query.`,
              ctx.sources.locate([`${sel} {`, sel], ['template']),
            ),
          );
        }
      }
    }
  }
  return out;
}

export function isLarge(t: TextRun): boolean {
  const size = fontPx(t.parent) ?? 16;
  const weight = inherited(t.parent, 'font-weight')?.value ?? '';
  const bold = /bold|[6-9]00/.test(weight) || !!ancestorOrSelf(t.parent, (e) => /^(b|strong|h[1-6])$/.test(e.tag));
  return size >= 24 || (bold && size >= 18.66);
}

function fontPx(el: El): number | undefined {
  return cssPx(inherited(el, 'font-size')?.value);
}

function cssPx(v: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)(px|pt)\s*(?:!important)?\s*$/i.exec(v ?? '');
  if (!m) return undefined;
  return m[2]!.toLowerCase() === 'pt' ? (Number(m[1]) * 4) / 3 : Number(m[1]);
}

function colorOf(el: El, prop: string): string | undefined {
  const v = inherited(el, prop)?.value;
  return v ? hex(v) : undefined;
}

/** The nearest opaque background: inline background(-color) or a bgcolor attribute. */
function backgroundOf(el: El): string | undefined {
  for (let cur: El | undefined = el; cur; cur = cur.parent) {
    const candidates = [cur.style['background-color'], cur.style.background, cur.attrs.bgcolor];
    for (const c of candidates) {
      const h = c
        ? hex(
            c
              .replace(/\s*!important\s*$/i, '')
              .split(/\s+/)
              .find((w) => hex(w)) ?? '',
          )
        : undefined;
      if (h) return h;
    }
  }
  return undefined;
}

const NAMED: Record<string, string> = { white: '#ffffff', black: '#000000' };

export function hex(v: string): string | undefined {
  const s = v.trim().toLowerCase();
  if (NAMED[s]) return NAMED[s];
  if (/^#[0-9a-f]{6}$/.test(s)) return s;
  if (/^#[0-9a-f]{3}$/.test(s)) return `#${[...s.slice(1)].map((c) => c + c).join('')}`;
  return undefined;
}
