import { canonical, TAG_SOURCE } from '../render/merge.js';
import type { Diagnostic } from '../types.js';
import { finding, type RuleContext } from './rule.js';

const FOREIGN = /\*\|[A-Z0-9_]+\|\*|%%[A-Za-z_]+%%|\{\$[A-Za-z_]+\}/g;

/** Merge tags the subscriber list cannot fill; placeholders that will reach readers verbatim. */
export function checkHygiene(ctx: RuleContext): Diagnostic[] {
  const { r, sources } = ctx;
  const out: Diagnostic[] = [];
  const sample = ctx.options.subscribers;
  if (sample) {
    const columns = new Set(sample.columns);
    const reported = new Set<string>();
    for (const tag of r.mergeTags) {
      if (!tag.column || columns.has(tag.column) || reported.has(tag.column)) continue;
      reported.add(tag.column);
      const at = tag.file ? { file: tag.file, line: tag.line ?? 1 } : sources.fallback;
      const has = sample.columns.length ? `it has: ${sample.columns.join(', ')}` : 'it has no header';
      if (tag.fallback !== undefined) {
        out.push(
          finding(
            'hygiene/unknown-column',
            'warning',
            `${canonical(tag)} reads column "${tag.column}", which the subscriber list lacks: every reader gets "${tag.fallback}"`,
            `Add a "${tag.column}" column to the CSV or use one it has (${has}).`,
            at,
          ),
        );
      } else {
        out.push(
          finding(
            'hygiene/unknown-column',
            'error',
            `${canonical(tag)} reads column "${tag.column}", which the subscriber list lacks: every reader gets an empty value`,
            `Add a "${tag.column}" column to the CSV, use one it has (${has}), or give a fallback: {{subscriber.${tag.column} | default: "..."}}.`,
            at,
          ),
        );
      }
    }
  }

  // Braces that are literal on purpose (code, `\{{`) reach the HTML as &#123;&#123;; compose already
  // reported, at their lines, the placeholders and foreign tags of article and issue prose.
  const seen = literalSnippets(r.html);
  const reportedByCompose = (snippet: string) => !!sources.find([snippet.trim()], ['article', 'issue']);
  // In the HTML only text and attribute values count: minified CSS may well contain `}}`.
  const htmlStrings = [
    ...ctx.email.texts.map((t) => t.text),
    ...ctx.email.elements.flatMap((e) => Object.values(e.attrs)),
  ].join('\n');
  for (const [part, source] of [
    ['HTML', htmlStrings],
    // The text part is wrapped at about 78 columns: a literal `{{ site.url }}` may be cut after its
    // `{{`. Wrapped lines are joined back before looking for braces.
    ['text part', r.text.replace(/[ \t]*\r?\n[ \t]*/g, ' ')],
  ] as const) {
    const rest = source.replace(new RegExp(TAG_SOURCE, 'g'), '');
    for (const m of rest.matchAll(/\{\{[^{}\n]{0,60}(\}\})?|\}\}|GZMT[0-9a-f]*/g)) {
      const snippet = m[0];
      if (seen.has(snippet)) continue;
      seen.add(snippet);
      if (snippet.length > 2 && reportedByCompose(snippet)) continue;
      const at = sources.locate([snippet.slice(0, 40)], ['template', 'article', 'issue']);
      out.push(
        finding(
          'hygiene/placeholder',
          'error',
          `the ${part} contains the unfilled placeholder "${snippet.trim()}"`,
          'Merge tags are written {{subscriber.<column>}}, {{subscriber.<column> | default: "..."}} or {{unsubscribe_url}}; fix the spelling and the braces, or remove it.',
          at,
        ),
      );
    }
    for (const m of rest.matchAll(FOREIGN)) {
      if (seen.has(m[0])) continue;
      seen.add(m[0]);
      if (reportedByCompose(m[0])) continue;
      out.push(
        finding(
          'hygiene/foreign-merge-tag',
          'error',
          `the ${part} contains "${m[0]}", a merge tag of another mailing tool that Gazette does not fill`,
          'Use Gazette\'s form: {{subscriber.<column>}} (e.g. {{subscriber.name | default: "reader"}}).',
          sources.locate([m[0]], ['template', 'article', 'issue']),
        ),
      );
    }
  }
  return out;
}

/** The placeholder-like snippets of literal braces (`&#123;&#123;...`) in the built HTML. */
function literalSnippets(html: string): Set<string> {
  const out = new Set<string>();
  if (html.includes('&#125;&#125;')) out.add('}}');
  for (const m of html.matchAll(/&#123;&#123;([^<\n]{0,400}?)(?=&#123;&#123;|<|\n|$)/g)) {
    const text = `{{${decode(m[1]!)}`;
    for (const p of text.matchAll(/\{\{[^{}\n]{0,60}(\}\})?|\}\}/g)) out.add(p[0]);
  }
  return out;
}

function decode(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
