import { parseCss, rawData } from 'caniemail';
import type { Diagnostic, Severity } from '../types.js';
import { parseEmail, type ParsedEmail } from './html.js';
import { finding, type RuleContext } from './rule.js';

// Email-client support from caniemail.com's data (the `caniemail` package's JSON). The package's
// own checker throws on features some clients lack data for and cannot target Outlook.com, so
// Gazette detects the features itself and reads the same data. Outlook for Windows is checked
// against what it renders: `<!--[if mso]>` blocks in, `<!--[if !mso]><!-->` blocks out.

export interface TargetClient {
  id: string;
  family: string;
  platform: string;
  name: string;
}

export const TARGET_CLIENTS: TargetClient[] = [
  { id: 'gmail.desktop-webmail', family: 'gmail', platform: 'desktop-webmail', name: 'Gmail (web)' },
  { id: 'gmail.android', family: 'gmail', platform: 'android', name: 'Gmail (Android)' },
  { id: 'gmail.ios', family: 'gmail', platform: 'ios', name: 'Gmail (iOS)' },
  { id: 'outlook.windows', family: 'outlook', platform: 'windows', name: 'Outlook (Windows)' },
  { id: 'outlook.outlook-com', family: 'outlook', platform: 'outlook-com', name: 'Outlook.com' },
  { id: 'apple-mail.macos', family: 'apple-mail', platform: 'macos', name: 'Apple Mail (macOS)' },
  { id: 'apple-mail.ios', family: 'apple-mail', platform: 'ios', name: 'Apple Mail (iOS)' },
  { id: 'yahoo.desktop-webmail', family: 'yahoo', platform: 'desktop-webmail', name: 'Yahoo Mail' },
];

/**
 * Features whose absence loses content or breaks the layout (not just a nicety): when a target
 * client does not support one of these at all, the finding is a warning, otherwise information.
 */
const LAYOUT_CRITICAL = new Set([
  'css-display-flex',
  'css-display-grid',
  'css-position',
  'css-float',
  'css-variables',
  'css-background-image',
  'css-at-font-face',
  'css-at-import',
  'css-function-clamp',
  'css-function-min',
  'css-function-max',
  'css-unit-calc',
  'css-modern-color',
  'css-function-light-dark',
  'css-grid-template',
  'css-transform',
  'html-form',
  'html-video',
  'html-audio',
  'html-svg',
  'html-object',
  'html-dialog',
  'html-picture',
  'html-srcset',
  'html-input-text',
  'html-input-checkbox',
  'html-input-radio',
  'html-select',
  'html-textarea',
  'html-marquee',
  'image-svg',
  'image-webp',
  'image-avif',
  'image-heif',
  'image-base64',
  'image-tiff',
  'image-bmp',
  'image-mp4',
]);

type Support = 'full' | 'partial' | 'none' | 'unknown';

interface FeatureData {
  slug: string;
  title: string;
  url: string;
  stats: Record<string, Record<string, Record<string, string>>>;
  notes_by_num?: Record<string, string> | null;
}

const FEATURES = new Map<string, FeatureData>(
  (rawData as unknown as { data: FeatureData[] }).data.map((f) => [f.slug, f]),
);

/** What caniemail says of one feature in one client's latest tested version. */
export function supportOf(slug: string, client: TargetClient): { support: Support; notes: string[] } {
  const f = FEATURES.get(slug);
  const versions = f?.stats[client.family]?.[client.platform];
  if (!f || !versions) return { support: 'unknown', notes: [] };
  // The package reads the last version in sorted order as "latest"; do the same.
  const latest = versions[Object.keys(versions).sort().at(-1)!] ?? 'u';
  const notes = [...latest.matchAll(/#(\d+)/g)].map((m) => f.notes_by_num?.[m[1]!]).filter((n): n is string => !!n);
  const support: Support = latest.startsWith('y')
    ? 'full'
    : latest.startsWith('n')
      ? 'none'
      : latest.startsWith('a')
        ? 'partial'
        : 'unknown';
  return { support, notes };
}

/** A feature the email uses, where it first appears, and an example of it. */
interface Use {
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

/** The caniemail features an email uses (slug -> first use). */
export function featuresUsed(email: ParsedEmail): Map<string, Use> {
  const used = new Map<string, Use>();
  const use = (slug: string | undefined, offset: number, sample: string) => {
    if (slug && FEATURES.has(slug) && !used.has(slug)) used.set(slug, { offset, sample });
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
    for (const [prop, value] of Object.entries(el.style))
      declarationFeatures(prop, value, (slug, sample) => use(slug, el.start, sample));
  }
  for (const block of email.styles) {
    let sheet: ReturnType<typeof parseCss>;
    try {
      sheet = parseCss(block.css);
    } catch {
      continue; // MJML validated the CSS; a parse failure here is caniemail's parser, not the email
    }
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
          for (const sel of rule.selectors ?? [])
            selectorFeatures(sel, (slug, sample) => use(slug, block.start, sample));
          for (const d of rule.declarations ?? [])
            if (d.type === 'declaration' && d.property && d.value)
              declarationFeatures(d.property, d.value, (slug, sample) => use(slug, block.start, sample));
        } else if (['font-face', 'import', 'keyframes', 'supports'].includes(rule.type)) {
          use(`css-at-${rule.type}`, block.start, `@${rule.type}`);
        }
      }
    };
    visit(sheet.stylesheet.rules as unknown[]);
  }
  return used;
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
  for (const unit of UNITS) if (new RegExp(`\\d${unit}\\b`).test(value)) use(`css-unit-${unit}`, sample);
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

/** The same HTML as Outlook for Windows sees it: its conditional blocks in, the others out. */
export function outlookView(html: string): string {
  return html
    .replace(/<!--\[if !mso[^\]]*\]><!-->[\s\S]*?<!--<!\[endif\]-->/gi, '')
    .replace(/<!--\[if [^\]]*mso[^\]]*\]>([\s\S]*?)<!\[endif\]-->/gi, (_, inner: string) => inner);
}

export function checkClientSupport(ctx: RuleContext): Diagnostic[] {
  const outlook = TARGET_CLIENTS.find((c) => c.id === 'outlook.windows')!;
  const others = TARGET_CLIENTS.filter((c) => c !== outlook);
  const used = featuresUsed(ctx.email);
  const usedByOutlook = featuresUsed(parseEmail(outlookView(ctx.r.html)));

  const out: Diagnostic[] = [];
  for (const slug of new Set([...used.keys(), ...usedByOutlook.keys()])) {
    const use = used.get(slug) ?? usedByOutlook.get(slug)!;
    const none: string[] = [];
    const partial: string[] = [];
    const notes = new Set<string>();
    for (const client of used.has(slug) ? others : []) collect(slug, client);
    if (usedByOutlook.has(slug)) collect(slug, outlook);
    function collect(s: string, client: TargetClient) {
      const { support, notes: n } = supportOf(s, client);
      if (support === 'none') none.push(client.name);
      else if (support === 'partial') partial.push(client.name);
      else return;
      n.forEach((x) => notes.add(`${client.name}: ${x}`));
    }
    if (!none.length && !partial.length) continue;
    const f = FEATURES.get(slug)!;
    const severity: Severity = none.length && LAYOUT_CRITICAL.has(slug) ? 'warning' : 'info';
    const parts = [
      none.length ? `not supported by ${none.join(', ')}` : '',
      partial.length ? `only partly supported by ${partial.join(', ')}` : '',
    ].filter(Boolean);
    // Not written in any source: MJML generated it from the layout.
    const at =
      ctx.sources.find([use.sample, use.sample.replace(/:/, ': ')], ['template', 'article', 'issue']) ??
      ctx.sources.layout();
    out.push(
      finding(
        none.length ? 'client/unsupported' : 'client/partial',
        severity,
        `${f.title} (${truncate(use.sample)}) is ${parts.join('; ')}`,
        `${notes.size ? `${[...notes].slice(0, 3).join(' ')} ` : ''}Make sure the email still reads well without it; details: ${f.url}`,
        at,
      ),
    );
  }
  return out;
}

function truncate(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
