import type { Diagnostic, Severity } from '../types.js';
import { FEATURES, LAYOUT_CRITICAL, supportOf, TARGET_CLIENTS, type TargetClient } from './client-data.js';
import { featuresUsed, type ParsedSheet, parseSheet } from './client-features.js';
import { parseEmail } from './html.js';
import { finding, type RuleContext } from './rule.js';

export { supportOf, TARGET_CLIENTS, type TargetClient } from './client-data.js';
export { featuresUsed } from './client-features.js';

// Email-client support from caniemail.com's data (the `caniemail` package's JSON). The package's
// own checker throws on features some clients lack data for and cannot target Outlook.com, so
// Gazette detects the features itself and reads the same data. Outlook for Windows is checked
// against what it renders: `<!--[if mso]>` blocks in, `<!--[if !mso]><!-->` blocks out.

/** The same HTML as Outlook for Windows sees it: its conditional blocks in, the others out. */
export function outlookView(html: string): string {
  return html
    .replace(/<!--\[if !mso[^\]]*\]><!-->[\s\S]*?<!--<!\[endif\]-->/gi, '')
    .replace(/<!--\[if [^\]]*mso[^\]]*\]>([\s\S]*?)<!\[endif\]-->/gi, (_, inner: string) => inner);
}

export function checkClientSupport(ctx: RuleContext): Diagnostic[] {
  const outlook = TARGET_CLIENTS.find((c) => c.id === 'outlook.windows')!;
  const others = TARGET_CLIENTS.filter((c) => c !== outlook);
  // The theme's stylesheets are the same text build after build: parsed once per cache.
  const sheets = new Map<string, ParsedSheet | undefined>();
  const sheet = (css: string) => {
    if (ctx.cache) return ctx.cache.text('css-sheet', css, 20, () => parseSheet(css));
    if (!sheets.has(css)) sheets.set(css, parseSheet(css));
    return sheets.get(css);
  };
  const used = featuresUsed(ctx.email, sheet);
  const usedByOutlook = featuresUsed(parseEmail(outlookView(ctx.r.html)), sheet);

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
