import type { Diagnostic } from '../types.js';
import type { ParsedYaml } from './yaml.js';

/**
 * The schema already refuses every scheme but https, http and mailto (src/load/schema.ts); http
 * is accepted with this finding, at the field's line.
 */
export function insecureUrlFindings(
  value: { url?: string; image?: { src: string } },
  file: string,
  parsed: ParsedYaml | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const check = (u: string | undefined, path: string[]) => {
    if (!u || !/^\s*http:/i.test(u)) return;
    out.push({
      code: 'content/insecure-url',
      severity: 'warning',
      message: `${path.join('.')} uses http:`,
      file,
      ...(parsed?.locate(path) ?? {}),
      field: path.join('.'),
      hint: 'Use the https address: readers and mail providers treat plain http as unsafe.',
    });
  };
  check(value.url, ['url']);
  check(value.image?.src, ['image', 'src']);
  return out;
}
