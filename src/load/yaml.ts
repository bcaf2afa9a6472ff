import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import jsyaml from 'js-yaml';
import type { Diagnostic } from '../types.js';
import { MAX_YAML_ALIASES, overDataBudget } from './budget.js';

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
 * when js-yaml refuses the text or when a diagnostic asks where a field is. js-yaml has no alias
 * limit (nine nested anchors expand to 9^9 nodes for whoever walks the result), so text that may
 * hold an alias goes to the `yaml` package, which counts expansions, instead.
 */
export function parseYaml(
  src: string,
  file: string,
  lineOffset: number,
): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  const tooLarge = overDataBudget(src, file, lineOffset, 'YAML');
  if (tooLarge) return { diagnostics: [tooLarge] };
  if (MAYBE_ALIAS.test(src)) return parseWithPositions(src, file, lineOffset);
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

// `*name` where an alias can start (after a space, `[`, `{`, `,` or `:`, or at a line's start);
// a false positive (`**bold**` in a plain scalar) only costs the slower parser.
const MAYBE_ALIAS = /(?:^|[\s[{,:])\*[^\s*]/m;

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
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (cause) {
    const at = firstAlias(doc);
    const pos = at === undefined ? { line: 1, col: 1 } : lineCounter.linePos(at);
    return {
      diagnostics: [
        {
          code: 'content/yaml-aliases',
          severity: 'error',
          message: `YAML aliases expand too far (${firstLine((cause as Error).message)})`,
          file,
          line: pos.line + lineOffset,
          column: pos.col,
          hint: `Write the values out instead of using anchors (&name) and aliases (*name); at most ${MAX_YAML_ALIASES} expansions are read.`,
        },
      ],
    };
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

function firstAlias(doc: Document): number | undefined {
  const { visit } = loadYaml();
  let at: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
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
