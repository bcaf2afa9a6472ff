import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import jsyaml from 'js-yaml';
import { GazetteError } from '../util/errors.js';
import type { Diagnostic } from '../types.js';

export interface ParsedYaml {
  data: unknown;
  /** 1-based file line and column of the node at a field path (or its nearest existing parent). */
  locate(path: readonly PropertyKey[]): { line: number; column: number };
  /** Keys present in the mapping at a path (for unknown-key warnings). */
  keysAt(path: readonly PropertyKey[]): string[];
}

/**
 * Parses YAML. `lineOffset` is the file line where the YAML text starts minus 1, so every
 * reported line is a line of the file, not of the YAML block.
 *
 * Two parsers, for speed: js-yaml (core schema, so dates stay strings, and no custom tags) reads
 * well-formed front-matter in microseconds; the `yaml` package, which keeps positions, runs only
 * when js-yaml refuses the text or when a diagnostic asks where a field is.
 */
export function parseYaml(
  src: string,
  file: string,
  lineOffset: number,
): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  let data: unknown;
  try {
    data = jsyaml.safeLoad(src, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch {
    return parseWithPositions(src, file, lineOffset);
  }
  let positioned: ParsedYaml | undefined;
  const positions = () => (positioned ??= parseWithPositions(src, file, lineOffset).parsed);
  return {
    parsed: {
      data,
      locate: (path) => positions()?.locate(path) ?? { line: 1 + lineOffset, column: 1 },
      keysAt: (path) => {
        const value = path.reduce<unknown>(
          (cur, k) => (cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined),
          data,
        );
        return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
      },
    },
    diagnostics: [],
  };
}

// Loaded on first use: most builds never need positions, and `gazette build` starts faster without it.
let yamlModule: typeof import('yaml') | undefined;
const loadYaml = () => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

function parseWithPositions(
  src: string,
  file: string,
  lineOffset: number,
): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  const { LineCounter, parseDocument, isMap, isScalar } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      code: 'content/yaml-syntax',
      severity: 'error' as const,
      message: `YAML syntax error: ${firstLine(e.message)}`,
      file,
      line: pos.line + lineOffset,
      column: pos.col,
      hint: yamlHint(e.code),
    };
  });
  if (diagnostics.length > 0) return { diagnostics };

  let data: unknown;
  try {
    // maxAliasCount bounds "billion laughs" expansion.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new GazetteError('YAML could not be read', {
      code: 'content/yaml-syntax',
      file,
      line: 1 + lineOffset,
      cause,
      hint: 'Remove YAML aliases (*name) and anchors (&name).',
    });
  }

  const locate = (path: readonly PropertyKey[]) => {
    for (let i = path.length; i >= 0; i--) {
      const node = nodeAt(doc, path.slice(0, i));
      if (node?.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line + lineOffset, column: pos.col };
      }
    }
    return { line: 1 + lineOffset, column: 1 };
  };
  const keysAt = (path: readonly PropertyKey[]) => {
    const node = path.length === 0 ? doc.contents : doc.getIn(path as unknown[], true);
    if (!isMap(node)) return [];
    return node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
  };
  return { parsed: { data, locate, keysAt }, diagnostics };
}

/** The key node for the last path element when it exists (so the line is the key's), else the value. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | null {
  const { isMap, isPair, isScalar } = loadYaml();
  if (path.length === 0) return doc.contents as Node | null;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
    if (pair && isScalar(pair.key)) return pair.key as Node;
  }
  const node = doc.getIn(path as unknown[], true) as Node | undefined;
  return node ?? null;
}

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Each key may appear once; remove or rename the repeated one.';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'Check the indentation: nested keys use two spaces, and list items start with "- ".';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'A value that contains ": " must be quoted, e.g. title: "Why: a question".';
    default:
      return 'Values containing ":" or "#" or starting with a quote must be quoted as a whole.';
  }
}
