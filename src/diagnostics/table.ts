// The code tables of docs/checks.md, generated from the catalogue by `npm run docs:codes`
// (scripts/docs-codes.mjs). The generator owns what is between the two markers.
import { CATALOGUE, CHECK_FAMILIES, type CatalogueCode, docsAnchor } from './catalogue.js';

export const START = '<!-- codes:start -->';
export const END = '<!-- codes:end -->';

const SEVERITY_WORD = { error: 'error', warning: 'warning', info: 'information' } as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(codes: CatalogueCode[]): string[] {
  const rows = codes.map((code) => {
    const info = CATALOGUE[code];
    const anchor = docsAnchor(code).split('#')[1];
    const severity = info.severityNote ?? SEVERITY_WORD[info.severity];
    return `| \`${code}\` | ${cell(severity)} | <a id="${anchor}"></a>${cell(info.title)} | ${cell(info.hint)} |`;
  });
  return ['| code | severity | what it means | how to fix it |', '|---|---|---|---|', ...rows];
}

/** The Markdown between the markers: the check findings, then every other stage's codes. */
export function codesTable(): string {
  const all = Object.keys(CATALOGUE) as CatalogueCode[];
  const isCheck = (code: string) => CHECK_FAMILIES.includes(code.split('/')[0]!);
  return [
    ...table(all.filter(isCheck)),
    '',
    'Errors of the other stages (loading, templates, configuration, commands, sending), printed the same way:',
    '',
    ...table(all.filter((c) => !isCheck(c))),
  ].join('\n');
}

/** `doc` with the text between the markers replaced by the generated tables. */
export function withCodesTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/checks.md has no ${START} ... ${END} markers`);
  return `${doc.slice(0, start + START.length)}\n${codesTable()}\n${doc.slice(end)}`;
}
