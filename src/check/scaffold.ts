import { SCAFFOLD_AUTHOR, SCAFFOLD_TEXTS } from '../scaffold/templates.js';
import type { Diagnostic } from '../types.js';
import { finding, type RuleContext } from './rule.js';
import { lineAt } from '../util/lines.js';

/**
 * Text `gazette new` wrote for the editor to replace and that is still there: "Your Name" as the
 * author, "Write the article here..." as the body. It builds, so nothing else would notice it
 * before readers do.
 */
export function checkScaffoldLeftovers(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of ctx.r.issue.articles) {
    const i = a.authors.findIndex((x) => x.name.trim() === SCAFFOLD_AUTHOR);
    if (i >= 0)
      out.push(
        finding(
          'hygiene/scaffold-text',
          'warning',
          `the author of "${a.title}" is still "${SCAFFOLD_AUTHOR}", as \`gazette new article\` wrote it`,
          "Put the writer's name under `author: name:` (or remove `author:` for an unsigned piece).",
          at(ctx, a.file, `name: ${SCAFFOLD_AUTHOR}`) ?? at(ctx, a.file, SCAFFOLD_AUTHOR) ?? { file: a.file, line: 1 },
          { field: a.authors.length > 1 ? `authors[${i}].name` : 'author.name' },
        ),
      );
    const body = at(ctx, a.file, SCAFFOLD_TEXTS.article);
    if (body)
      out.push(
        finding(
          'hygiene/scaffold-text',
          'warning',
          `"${a.title}" still has the text \`gazette new article\` wrote ("${SCAFFOLD_TEXTS.article}...")`,
          'Replace it with the article, or delete it.',
          body,
        ),
      );
  }
  const intro = at(ctx, ctx.r.issue.file, SCAFFOLD_TEXTS.issue);
  if (intro)
    out.push(
      finding(
        'hygiene/scaffold-text',
        'warning',
        `the intro still says "${SCAFFOLD_TEXTS.issue}", as \`gazette new issue\` wrote it`,
        'Write the introduction of the issue, or delete the line.',
        intro,
      ),
    );
  return out;
}

/** The line of a file of this issue's sources holding the text, if it does. */
function at(ctx: RuleContext, file: string, text: string): { file: string; line: number } | undefined {
  const f = ctx.sources.files.find((s) => s.file === file);
  const offset = f?.text.indexOf(text) ?? -1;
  if (!f || offset < 0) return undefined;
  return { file, line: lineAt(f.text, offset) };
}
