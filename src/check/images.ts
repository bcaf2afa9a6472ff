import type { Code, Diagnostic } from '../types.js';
import { px } from './html.js';
import { finding, type RuleContext } from './rule.js';

/** Image rules: alt text, a usable https src, an explicit width that fits the content column. */
export function checkImages(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const el of ctx.email.elements) {
    if (el.tag !== 'img') continue;
    const src = (el.attrs.src ?? '').trim();
    const alt = el.attrs.alt;
    const at = ctx.sources.at(el, [src, ...(alt ? [`alt: ${alt}`, `alt: "${alt}"`, `![${alt}]`, `alt="${alt}"`] : [])]);
    const name = src ? `image ${short(src)}` : 'an image';
    const add = (code: Code, severity: 'error' | 'warning', message: string, hint: string) => {
      const key = `${code}|${src}|${at.file}:${at.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(finding(code, severity, message, hint, at));
    };

    if (alt === undefined) {
      add(
        'image/missing-alt',
        'error',
        `${name} has no alt attribute`,
        'Describe the image in `alt` (front-matter `image.alt`, or `![description](src)` in Markdown); write `alt=""` only for a purely decorative image.',
      );
    }
    if (!src || src === '#') {
      add(
        'image/no-src',
        'error',
        `${name} has an empty or placeholder src ("${src}")`,
        'Give the image a path relative to publication.url (e.g. assets/logo.png) or a full https URL.',
      );
      continue;
    }
    if (src.includes('{{')) continue; // a per-recipient URL
    if (/^http:/i.test(src)) {
      add(
        'image/insecure-src',
        'warning',
        `${name} is loaded over http:`,
        'Serve images over https: Gmail and Apple Mail show insecure images with warnings or not at all.',
      );
    } else if (!/^(https:|data:|cid:)/i.test(src)) {
      add(
        'image/relative-src',
        'error',
        `${name} has a relative src, which no mail client can load`,
        'Use a full https URL, or a path that Gazette resolves against publication.url (in front-matter or Markdown).',
      );
    }
    const width = px(el.attrs.width) ?? px(el.style.width);
    if (el.attrs.width === undefined) {
      add(
        'image/no-width',
        'warning',
        `${name} has no width attribute`,
        'Give the image a width (e.g. `<img ... width="536">`); Outlook for Windows shows images without one at their full pixel size.',
      );
    }
    if (width !== undefined && width > ctx.columnWidth) {
      add(
        'image/too-wide',
        'warning',
        `${name} is ${width}px wide, wider than the ${ctx.columnWidth}px content column`,
        `Set the image's width to at most ${ctx.columnWidth}px; clients that ignore max-width (Outlook for Windows) stretch the whole email.`,
      );
    }
  }
  return out;
}

function short(url: string): string {
  return url.length > 80 ? `${url.slice(0, 77)}...` : url;
}
