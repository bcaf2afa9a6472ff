import type { Diagnostic } from '../types.js';
import { hex, lowContrastTexts } from './accessibility.js';
import type { El } from './html.js';
import { finding, type RuleContext } from './rule.js';

// Contrast as Apple Mail, iOS Mail and Outlook for Mac show the email in dark mode: the rules of
// the `@media (prefers-color-scheme: dark)` block (all !important) applied over the inline styles.
// Simple selectors only (classes, tags, descendants), which is what the theme writes; a rule
// with `>` or attributes is skipped. The nearest element a rule matches decides, as in CSS.

interface Rule {
  selector: string[][];
  color?: string;
  background?: string;
}

export function darkContrastFindings(ctx: RuleContext): Diagnostic[] {
  const rules = darkRules(ctx.email.styles.map((s) => s.css).join('\n'));
  if (rules.length === 0) return [];
  const out: Diagnostic[] = [];
  const lows = lowContrastTexts(ctx.email.texts, (t) => {
    if (!ancestors(t.parent).some((e) => classes(e).includes('gz-t'))) return undefined; // theme text only
    const fg = pick(t.parent, rules, 'color', (e) => inline(e.style.color));
    const bg = pick(t.parent, rules, 'background', (e) =>
      inline(e.style['background-color'] ?? e.style.background ?? e.attrs.bgcolor),
    );
    return fg && bg ? [fg, bg] : undefined;
  });
  for (const { t, fg, bg, ratio, needed, text } of lows) {
    out.push(
      finding(
        'a11y/contrast',
        'error',
        `in dark mode, text "${text.slice(0, 40)}" (<${t.parent.tag}>) is ${fg} on ${bg}: contrast ${ratio.toFixed(2)}:1, below WCAG AA's ${needed}:1`,
        'Give the element a colour in the dark-mode block of templates/partials/dark-mode.mjml.hbs (its inline light colours stay otherwise).',
        ctx.sources.at(t.parent, [text.slice(0, 40)], ['article', 'issue', 'template']),
      ),
    );
  }
  return out;
}

function inline(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const w = v
    .replace(/\s*!important\s*$/i, '')
    .split(/\s+/)
    .find((x) => hex(x));
  return w ? hex(w) : undefined;
}

/** The value for the nearest element: a matching dark rule (last wins) beats its inline style. */
function pick(el: El, rules: Rule[], prop: 'color' | 'background', own: (e: El) => string | undefined) {
  for (let cur: El | undefined = el; cur; cur = cur.parent) {
    let v: string | undefined;
    for (const r of rules) if (r[prop] && matches(cur, r.selector)) v = r[prop];
    v ??= own(cur);
    if (v) return v;
  }
  return undefined;
}

function darkRules(css: string): Rule[] {
  const at = css.search(/@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{/);
  if (at < 0) return [];
  let i = css.indexOf('{', at) + 1;
  const start = i;
  for (let depth = 1; i < css.length && depth > 0; i++) depth += css[i] === '{' ? 1 : css[i] === '}' ? -1 : 0;
  const block = css.slice(start, i - 1);
  const rules: Rule[] = [];
  for (const m of block.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const decl = Object.fromEntries(
      m[2]!
        .split(';')
        .map((d) => d.split(':').map((x) => x.trim()))
        .filter((d) => d.length >= 2)
        .map(([k, ...v]) => [k!.toLowerCase(), v.join(':')]),
    );
    const color = inline(decl.color);
    const background = inline(decl['background-color'] ?? decl.background);
    if (!color && !background) continue;
    for (const sel of m[1]!.split(',')) {
      const s = sel.trim();
      if (!s || /[[+~:]/.test(s)) continue;
      const parts = s.replace(/\s*>\s*/g, ' > ').split(/\s+/);
      rules.push({ selector: parts.map((part) => (part === '>' ? ['>'] : part.split(/(?=[.#])/))), color, background });
    }
  }
  return rules;
}

function classes(e: El): string[] {
  return (e.attrs.class ?? '').split(/\s+/).filter(Boolean);
}

function ancestors(el: El): El[] {
  const out: El[] = [];
  for (let cur: El | undefined = el; cur; cur = cur.parent) out.push(cur);
  return out;
}

function compoundMatches(e: El, compound: string[]): boolean {
  const cls = classes(e);
  return compound.every((c) =>
    c.startsWith('.') ? cls.includes(c.slice(1)) : c.startsWith('#') ? e.attrs.id === c.slice(1) : e.tag === c,
  );
}

/** Descendant (` `) and child (`>`) selectors, matched right to left. */
function matches(el: El, selector: string[][], end = selector.length - 1): boolean {
  if (!compoundMatches(el, selector[end]!)) return false;
  if (end === 0) return true;
  if (selector[end - 1]![0] === '>') return !!el.parent && matches(el.parent, selector, end - 2);
  for (let cur = el.parent; cur; cur = cur.parent) if (matches(cur, selector, end - 1)) return true;
  return false;
}
