import { createRequire } from 'node:module';
import type { Diagnostic } from '../types.js';
import { overDataBudget } from './budget.js';
import type { ParsedYaml } from './yaml.js';

type SmolToml = typeof import('smol-toml');
let smolToml: SmolToml | undefined;
/** smol-toml, loaded the first time a file has TOML front-matter (most roots never do). */
function toml(): SmolToml {
  smolToml ??= createRequire(import.meta.url)('smol-toml') as SmolToml;
  return smolToml;
}

/**
 * Hugo's `+++` front-matter. smol-toml reads TOML as data only (no code, no includes). TOML has no
 * positions in its parsed form, so a field's line is found by scanning the block for the key (or
 * its `[table]` header); dates become the strings the YAML dialects give (as written, zone kept).
 */
export function parseToml(
  src: string,
  file: string,
  lineOffset: number,
): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  // The same budget as YAML (budget.ts): no dialect is the weak one.
  const tooLarge = overDataBudget(src, file, lineOffset, 'TOML');
  if (tooLarge) return { diagnostics: [tooLarge] };
  let data: Record<string, unknown>;
  try {
    data = plain(toml().parse(src)) as Record<string, unknown>;
  } catch (err) {
    const e = err as InstanceType<SmolToml['TomlError']>;
    return {
      diagnostics: [
        {
          code: 'content/toml-syntax',
          severity: 'error',
          message: `TOML syntax error: ${String(e.message).split('\n')[0]}`,
          file,
          line: (e instanceof toml().TomlError ? e.line : 1) + lineOffset,
          column: e instanceof toml().TomlError ? e.column : 1,
          hint: 'Write one `key = value` per line; quote strings ("..." or \'...\'), lists are [a, b].',
        },
      ],
    };
  }
  const lines = src.split('\n');
  const locate = (path: readonly PropertyKey[]) => {
    // The deepest string key on the path that has its own line: `key = ` or `[table]`.
    const keys = path.filter((k): k is string => typeof k === 'string');
    for (let i = keys.length; i > 0; i--) {
      const k = escapeRe(keys[i - 1]!);
      const table = keys.slice(0, i).map(escapeRe).join('\\.');
      const re = new RegExp(`^\\s*(?:["']?${k}["']?\\s*=|\\[\\[?\\s*${table}\\s*\\]\\]?)`);
      const at = lines.findIndex((l) => re.test(l));
      if (at >= 0) return { line: at + 1 + lineOffset, column: lines[at]!.search(/\S/) + 1 };
    }
    return { line: 1 + lineOffset, column: 1 };
  };
  const keysAt = (path: readonly PropertyKey[]) => {
    const v = path.reduce<unknown>(
      (cur, k) => (cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined),
      data,
    );
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
  };
  return { parsed: { data, locate, keysAt }, diagnostics: [] };
}

/** Plain objects (smol-toml gives null-prototype ones) and TOML dates as ISO strings. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
