import { parseCss } from 'caniemail';
import type { ParsedEmail } from './html.js';
import { FEATURES } from './client-data.js';

// Which caniemail features an email uses: HTML elements and attributes, CSS properties, values,
// functions, selectors and image formats, each with where it first appears.

/** A feature the email uses, where it first appears, and an example of it. */
export interface Use {
  offset: number;
  sample: string;
}

const SEMANTIC = new Set([
  'article',
  'aside',
  'details',
  'figcaption',
  'figure',
  'footer',
  'header',
  'main',
  'mark',
  'nav',
  'section',
  'summary',
  'time',
]);
const ATTRIBUTES: Record<string, string> = {
  align: 'html-align',
  background: 'html-background',
  cellpadding: 'html-cellpadding',
  cellspacing: 'html-cellspacing',
  dir: 'html-dir',
  height: 'html-height',
  hidden: 'html-hidden',
  lang: 'html-lang',
  loading: 'html-loading-attribute',
  popover: 'html-popover',
  required: 'html-required',
  role: 'html-role',
  srcset: 'html-srcset',
  sizes: 'html-srcset',
  target: 'html-target',
  valign: 'html-valign',
  width: 'html-width',
  'aria-hidden': 'html-aria-hidden',
  'aria-label': 'html-aria-label',
  'aria-labelledby': 'html-aria-labelledby',
  'aria-describedby': 'html-aria-describedby',
  'aria-live': 'html-aria-live',
};
const IMAGE_FORMATS: Record<string, string> = {
  png: 'image-png',
  jpg: 'image-jpg',
  jpeg: 'image-jpg',
  gif: 'image-gif',
  webp: 'image-webp',
  svg: 'image-svg',
  avif: 'image-avif',
  bmp: 'image-bmp',
  ico: 'image-ico',
  tif: 'image-tiff',
  tiff: 'image-tiff',
  heic: 'image-heif',
  heif: 'image-heif',
};
const SHORTHAND_PARENT = /^(margin|padding|border)-/;
const UNITS = ['px', 'em', 'rem', 'pt', 'vh', 'vw', 'vmin', 'vmax', 'ch', 'ex', 'cm', 'mm', 'in', 'pc'];
const UNIT_PATTERNS = UNITS.map((u) => [u, new RegExp(`\\d${u}\\b`)] as const);
const FUNCTIONS: Record<string, string> = {
  rgb: 'css-rgb',
  rgba: 'css-rgba',
  calc: 'css-unit-calc',
  var: 'css-variables',
  min: 'css-function-min',
  max: 'css-function-max',
  clamp: 'css-function-clamp',
  'light-dark': 'css-function-light-dark',
  'linear-gradient': 'css-linear-gradient',
  'radial-gradient': 'css-radial-gradient',
  'conic-gradient': 'css-conic-gradient',
  lch: 'css-modern-color',
  oklch: 'css-modern-color',
  lab: 'css-modern-color',
  oklab: 'css-modern-color',
};

/**
 * The caniemail features an email uses (slug -> first use). `sheetOf` parses a stylesheet (the
 * caller may memoize it by text: the Outlook view has the same `<style>` blocks, and so does the
 * next build). A declaration or selector seen before in this scan is skipped: only first uses count,
 * and the theme repeats the same inline styles on every paragraph and cell.
 */
export function featuresUsed(
  email: ParsedEmail,
  sheetOf: (css: string) => ParsedSheet | undefined = parseSheet,
): Map<string, Use> {
  const used = new Map<string, Use>();
  const seen = new Set<string>();
  const use = (slug: string | undefined, offset: number, sample: string) => {
    if (slug && FEATURES.has(slug) && !used.has(slug)) used.set(slug, { offset, sample });
  };
  const declaration = (prop: string, value: string, offset: number) => {
    const key = `${prop}\0${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    declarationFeatures(prop, value, (slug, sample) => use(slug, offset, sample));
  };
  if (email.hasDoctype) use('html-doctype', 0, '<!doctype html>');
  for (const el of email.elements) {
    const tag = el.tag;
    if (/^h[1-6]$/.test(tag)) use('html-h1-h6', el.start, `<${tag}>`);
    else if (tag === 'ul' || tag === 'ol' || tag === 'dl') use('html-lists', el.start, `<${tag}>`);
    else if (SEMANTIC.has(tag)) use('html-semantics', el.start, `<${tag}>`);
    else if (tag === 'input' || tag === 'button')
      use(
        `html-${tag}-${(el.attrs.type ?? 'text').toLowerCase()}`,
        el.start,
        `<${tag} type="${el.attrs.type ?? 'text'}">`,
      );
    else if (tag === 'meta' && /color-scheme/i.test(el.attrs.name ?? ''))
      use('html-meta-color-scheme', el.start, `<meta name="${el.attrs.name}">`);
    else use(`html-${tag}`, el.start, `<${tag}>`);
    for (const name of Object.keys(el.attrs)) use(ATTRIBUTES[name], el.start, `${name}="${el.attrs[name]}"`);
    if (tag === 'a') {
      const href = el.attrs.href ?? '';
      if (/^mailto:/i.test(href)) use('html-mailto-links', el.start, `href="${href}"`);
      else if (/^#./.test(href)) use('html-anchor-links', el.start, `href="${href}"`);
    }
    if (tag === 'img' && el.attrs.src) {
      const src = el.attrs.src;
      if (/^data:/i.test(src)) use('image-base64', el.start, 'src="data:..."');
      else use(IMAGE_FORMATS[/\.([a-z0-9]+)(?:[?#]|$)/i.exec(src)?.[1]?.toLowerCase() ?? ''], el.start, `src="${src}"`);
    }
    for (const [prop, value] of Object.entries(el.style)) declaration(prop, value, el.start);
  }
  for (const block of email.styles) {
    const sheet = sheetOf(block.css);
    if (!sheet) continue;
    const visit = (rules: unknown[]) => {
      for (const rule of rules as Array<{
        type: string;
        media?: string;
        rules?: unknown[];
        selectors?: string[];
        declarations?: Array<{ type: string; property?: string; value?: string }>;
      }>) {
        if (rule.type === 'media') {
          use('css-at-media', block.start, `@media ${rule.media}`);
          if (/prefers-color-scheme/.test(rule.media ?? ''))
            use('css-at-media-prefers-color-scheme', block.start, `@media ${rule.media}`);
          if (/orientation/.test(rule.media ?? ''))
            use('css-at-media-orientation', block.start, `@media ${rule.media}`);
          if (/hover/.test(rule.media ?? '')) use('css-at-media-hover', block.start, `@media ${rule.media}`);
          visit(rule.rules ?? []);
        } else if (rule.type === 'rule') {
          for (const sel of rule.selectors ?? []) {
            if (seen.has(sel)) continue;
            seen.add(sel);
            selectorFeatures(sel, (slug, sample) => use(slug, block.start, sample));
          }
          for (const d of rule.declarations ?? [])
            if (d.type === 'declaration' && d.property && d.value) declaration(d.property, d.value, block.start);
        } else if (['font-face', 'import', 'keyframes', 'supports'].includes(rule.type)) {
          use(`css-at-${rule.type}`, block.start, `@${rule.type}`);
        }
      }
    };
    visit(sheet.stylesheet.rules as unknown[]);
  }
  return used;
}

export type ParsedSheet = ReturnType<typeof parseCss>;

export function parseSheet(css: string): ParsedSheet | undefined {
  try {
    return parseCss(css);
  } catch {
    return undefined; // MJML validated the CSS; a parse failure here is caniemail's parser, not the email
  }
}

function declarationFeatures(prop: string, rawValue: string, use: (slug: string, sample: string) => void): void {
  const p = prop.toLowerCase();
  const value = rawValue.toLowerCase();
  const sample = `${p}:${rawValue}`;
  if (p.startsWith('mso-') || p.startsWith('-')) return; // vendor properties: each client's own
  if (FEATURES.has(`css-${p}`)) use(`css-${p}`, sample);
  else if (SHORTHAND_PARENT.test(p) && !/radius|collapse|spacing|image/.test(p)) use(`css-${p.split('-')[0]}`, sample);
  else if (['left', 'right', 'top', 'bottom'].includes(p)) use('css-left-right-top-bottom', sample);
  else if (['gap', 'row-gap', 'column-gap'].includes(p)) use('css-gap', sample);
  else if (p.startsWith('grid-template')) use('css-grid-template', sample);
  else if (p === 'font') use('css-font', sample);
  const bare = value.replace(/\s*!important\s*$/, '');
  if (p === 'display' && ['flex', 'grid', 'none'].includes(bare)) use(`css-display-${bare}`, sample);
  if (p === 'flex-direction' && bare === 'column') use('css-flex-direction', sample);
  if (p === 'flex-wrap' && bare === 'wrap') use('css-flex-wrap', sample);
  if (/!important/.test(value)) use('css-important', sample);
  for (const m of value.matchAll(/([a-z-]+)\(/g)) if (FUNCTIONS[m[1]!]) use(FUNCTIONS[m[1]!]!, sample);
  for (const [unit, pattern] of UNIT_PATTERNS) if (pattern.test(value)) use(`css-unit-${unit}`, sample);
  if (/\d%/.test(value)) use('css-unit-percent', sample);
}

function selectorFeatures(sel: string, use: (slug: string, sample: string) => void): void {
  if (/\.[a-z_-]/i.test(sel)) use('css-selector-class', sel);
  if (/#[a-z_-]/i.test(sel)) use('css-selector-id', sel);
  if (/\[[^\]]+\]/.test(sel)) use('css-selector-attribute', sel);
  if (/>/.test(sel)) use('css-selector-child', sel);
  if (/\+/.test(sel)) use('css-selector-adjacent-sibling', sel);
  if (/~/.test(sel)) use('css-selector-general-sibling', sel);
  if (/\*/.test(sel)) use('css-selector-universal', sel);
  if (/[\w\])]\s+[\w.#[:*]/.test(sel.replace(/\s*[>+~]\s*/g, '>'))) use('css-selector-descendant', sel);
  if (/(^|[\s>+~])[a-z][a-z0-9]*(?=[.#[:\s]|$)/i.test(sel)) use('css-selector-type', sel);
  if (/[\w\]][.#[][\w-]/.test(sel)) use('css-selector-chaining', sel);
  for (const m of sel.matchAll(/(::?)([a-z-]+)/gi))
    use(`css-pseudo-${m[1] === '::' ? 'element' : 'class'}-${m[2]!.toLowerCase()}`, sel);
}
