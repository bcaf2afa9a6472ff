import type { Diagnostic } from '../types.js';
import { finding, type RuleContext } from './rule.js';

/** The marker `gazette init` writes where no value was given (src/scaffold/init-files.ts). */
const MARK = /change-me/i;

/** Values `gazette init` left as placeholders: nobody should receive "change-me" in an email. */
export function checkPlaceholders(ctx: RuleContext): Diagnostic[] {
  const pub = ctx.content.publication;
  const fields: [string, string | undefined][] = [
    ['name', pub.name],
    ['url', pub.url],
    ['from', pub.from.address],
    ['address', pub.address],
    ['unsubscribeUrl', pub.unsubscribeUrl],
  ];
  return fields
    .filter(([, v]) => v !== undefined && MARK.test(v))
    .map(([key, v]) =>
      finding(
        'publication/placeholder',
        'error',
        `publication.${key} is still the placeholder ${JSON.stringify(v)}`,
        `Replace it in publication.yml with the real value (gazette init --${key === 'unsubscribeUrl' ? 'url' : key} sets it for a new root).`,
        ctx.sources.keyLine('publication', key) ?? { file: pub.file, line: 1 },
        { field: key },
      ),
    );
}
