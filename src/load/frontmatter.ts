import matter from 'gray-matter';
import { GazetteError } from '../util/errors.js';
import type { Diagnostic } from '../types.js';
import { parseToml } from './toml.js';
import { parseYaml, type ParsedYaml } from './yaml.js';
import { lineAt } from '../util/lines.js';

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
  if (text.startsWith('+++\n')) return splitToml(text, file);
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
          hint: 'Start the file with a plain "---" line and write the front-matter in YAML (or TOML between "+++" lines).',
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
  const bodyLine = lineAt(text, text.length - body.length);
  return { parsed, body, bodyLine, diagnostics: yamlDiagnostics };
}

/** Hugo's TOML front-matter between `+++` lines (read as data by smol-toml, never evaluated). */
function splitToml(text: string, file: string): FrontMatter {
  const close = /^\+\+\+[ \t]*$/m;
  const rest = text.slice(4);
  const m = close.exec(rest);
  if (!m) {
    return {
      body: '',
      bodyLine: 1,
      diagnostics: [
        {
          code: 'content/unclosed-front-matter',
          severity: 'error',
          message: 'TOML front-matter is not closed',
          file,
          line: 1,
          hint: 'Add a line with just "+++" after the last front-matter field.',
        },
      ],
    };
  }
  const { parsed, diagnostics } = parseToml(rest.slice(0, m.index), file, 1);
  const after = rest.slice(m.index + m[0].length).replace(/^\n/, '');
  const bodyLine = lineAt(text, text.length - after.length);
  return { parsed, body: after, bodyLine, diagnostics };
}
