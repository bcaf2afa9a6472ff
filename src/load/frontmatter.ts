import matter from 'gray-matter';
import { GazetteError } from '../util/errors.js';
import type { Diagnostic } from '../types.js';
import { parseYaml, type ParsedYaml } from './yaml.js';

export interface FrontMatter {
  parsed?: ParsedYaml;
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
  diagnostics: Diagnostic[];
}

const FENCE_LANGUAGE = /^---[ \t]*([^\s-][^\n]*)\n/;

/**
 * Splits YAML front-matter from a Markdown body with gray-matter, configured so that no front-matter
 * can ever run code: `---js` / `---javascript` (which gray-matter evaluates by default, even with
 * `js: false`) are refused before gray-matter sees them, and every code engine is replaced by one
 * that throws. An options object is always passed, which also turns gray-matter's content cache off.
 */
export function splitFrontMatter(text: string, file: string): FrontMatter {
  const lang = FENCE_LANGUAGE.exec(text)?.[1]?.trim();
  if (lang && !/^ya?ml$/i.test(lang)) {
    return {
      body: '',
      bodyLine: 1,
      diagnostics: [
        {
          code: 'content/front-matter-language',
          severity: 'error',
          message: `front-matter language "${lang}" is not allowed; only YAML is read`,
          file,
          line: 1,
          column: 4,
          hint: 'Start the file with a plain "---" line and write the front-matter in YAML.',
        },
      ],
    };
  }
  if (!text.startsWith('---\n') && !text.startsWith('---yaml\n') && !text.startsWith('---yml\n')) {
    return {
      body: text,
      bodyLine: 1,
      diagnostics: [
        {
          code: 'content/no-front-matter',
          severity: 'error',
          message: 'file has no front-matter',
          file,
          line: 1,
          column: 1,
          hint: 'Start the file with a "---" line, the YAML fields (title, date, ...), and another "---" line.',
        },
      ],
    };
  }

  let yamlDiagnostics: Diagnostic[] = [];
  let parsed: ParsedYaml | undefined;
  const refuse = () => {
    throw new GazetteError('executable front-matter is not allowed', {
      code: 'content/front-matter-language',
      file,
      line: 1,
    });
  };
  const yamlEngine = {
    parse: (src: string) => {
      const r = parseYaml(src, file, 0); // gray-matter's block starts with the newline after ---
      yamlDiagnostics = r.diagnostics;
      parsed = r.parsed;
      return {};
    },
  };
  let result: matter.GrayMatterFile<string>;
  try {
    result = matter(text, {
      language: 'yaml',
      engines: {
        yaml: yamlEngine,
        yml: yamlEngine,
        js: refuse,
        javascript: refuse,
        coffee: refuse,
        coffeescript: refuse,
        cson: refuse,
        json: refuse,
        toml: refuse,
      } as never,
    });
  } catch (cause) {
    if (cause instanceof GazetteError) return { body: '', bodyLine: 1, diagnostics: [cause.toDiagnostic()] };
    throw new GazetteError('front-matter could not be read', { code: 'content/front-matter', file, line: 1, cause });
  }
  if (!text.slice(3).includes('\n---')) {
    yamlDiagnostics.push({
      code: 'content/unclosed-front-matter',
      severity: 'error',
      message: 'front-matter is not closed',
      file,
      line: 1,
      hint: 'Add a line with just "---" after the last front-matter field.',
    });
  }
  if (!parsed && yamlDiagnostics.length === 0) {
    // Empty front-matter block: gray-matter skips the engine.
    parsed = parseYaml('{}', file, 1).parsed;
  }
  const body = result.content;
  const bodyLine = text.slice(0, text.length - body.length).split('\n').length;
  return { parsed, body, bodyLine, diagnostics: yamlDiagnostics };
}
