import { escapeHtml } from '../render/merge.js';

// What the preview's frames show: the built email, with its images served locally and, on
// request, dark mode emulated. Used by the preview server and by `gazette screenshot`.

export type Scheme = 'light' | 'dark' | 'invert';
export const SCHEMES: readonly Scheme[] = ['light', 'dark', 'invert'];

/**
 * Images are referenced as `<publication.url>/assets/...`, which only exists once the site is
 * deployed: point them at the preview's own `/assets/` route (content/assets) instead.
 */
export function rewriteAssetUrls(html: string, publicationUrl: string, to = '/assets/'): string {
  const from = `${publicationUrl.replace(/\/+$/, '')}/assets/`;
  return html.split(from).join(to);
}

/**
 * Dark-mode emulation. `dark` is what Apple Mail, iOS Mail and Outlook for Mac do: honour the
 * email's `@media (prefers-color-scheme: dark)` rules. The iframe cannot be told it is in dark
 * mode, so those conditions are rewritten to always match (and `light` ones to never match), and
 * the page gets `color-scheme: dark`. `invert` approximates clients that recolour the whole
 * message on their own (Gmail's and Outlook's apps): everything inverted, images kept.
 */
export function emulateScheme(html: string, scheme: Scheme): string {
  if (scheme === 'light') return html;
  let out = html;
  let style: string;
  if (scheme === 'dark') {
    out = out
      .replace(/\(\s*prefers-color-scheme\s*:\s*dark\s*\)/gi, '(min-width: 0px)')
      .replace(/\(\s*prefers-color-scheme\s*:\s*light\s*\)/gi, '(max-width: 0px)');
    style = ':root{color-scheme:dark}';
  } else {
    style =
      'html{filter:invert(1) hue-rotate(180deg);background:#fff}img,picture,video,[style*="background-image"]{filter:invert(1) hue-rotate(180deg)}';
  }
  return injectHead(out, `<style data-gazette-preview="${scheme}">${style}</style>`);
}

/** Links open outside the frame (the frame itself is sandboxed and cannot navigate the page). */
export function framed(html: string): string {
  return injectHead(html, '<base target="_blank">');
}

/** The text part as a page, so that it sits in the same frames as the HTML. */
export function textPage(text: string, scheme: Scheme): string {
  const dark = scheme !== 'light';
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;padding:20px;font:12.5px/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:pre-wrap;overflow-wrap:anywhere;background:${dark ? '#1c1c1e' : '#fff'};color:${dark ? '#e6e6e6' : '#1d1d1f'}}
</style></head><body>${escapeHtml(text)}</body></html>`;
}

function injectHead(html: string, tags: string): string {
  const m = /<head[^>]*>/i.exec(html);
  if (m) return html.slice(0, m.index + m[0].length) + tags + html.slice(m.index + m[0].length);
  return tags + html;
}
