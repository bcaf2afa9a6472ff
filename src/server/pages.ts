import { escapeHtml as e } from '../render/merge.js';
import { themeOf } from '../render/theme.js';
import type { Publication } from '../types.js';

// The unsubscribe pages: tiny, self-contained (inline CSS only, no scripts, no external requests),
// in the publication's colors, readable on a phone.

/** `dana@thegazelle.org` -> `d***@thegazelle.org`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

export interface PageOptions {
  publication: Publication;
  title: string;
  /** Paragraphs of already-escaped HTML. */
  body: string[];
  /** A button that POSTs to `action` with hidden fields. */
  form?: { action: string; fields: Record<string, string>; label: string; note?: string };
}

export function page(o: PageOptions): string {
  const t = themeOf(o.publication);
  const form = o.form
    ? `<form method="post" action="${e(o.form.action)}">
${Object.entries(o.form.fields)
  .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
  .join('\n')}
<button type="submit">${e(o.form.label)}</button>
</form>${o.form.note ? `\n<p class="note">${o.form.note}</p>` : ''}`
    : '';
  return `<!doctype html>
<html lang="${e(o.publication.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(o.title)} | ${e(o.publication.name)}</title>
<style>
body{margin:0;background:${t.background};color:${t.text};font:17px/1.6 ${t.fontBody}}
main{max-width:32rem;margin:2rem auto;padding:2rem 1.5rem;background:${t.paper};border-top:4px solid ${t.accent}}
h1{margin:0 0 1rem;font:700 1.6rem/1.25 ${t.fontHeading}}
p{margin:0 0 1rem}
.pub{margin:0 0 .5rem;color:${t.muted};font-size:.9rem;text-transform:uppercase;letter-spacing:.06em}
button{font:inherit;font-weight:700;padding:.75rem 1.5rem;border:0;border-radius:4px;background:${t.accent};color:${t.onAccent};cursor:pointer}
button:focus-visible{outline:3px solid ${t.text};outline-offset:2px}
.note{margin-top:1rem;color:${t.muted};font-size:.9rem}
a{color:${t.accent}}
</style>
</head>
<body>
<main>
<p class="pub">${e(o.publication.name)}</p>
<h1>${e(o.title)}</h1>
${o.body.map((p) => `<p>${p}</p>`).join('\n')}
${form}
</main>
</body>
</html>
`;
}
