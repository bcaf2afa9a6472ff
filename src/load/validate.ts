import type { z } from 'zod';
import type { Diagnostic } from '../types.js';
import { FIELD_HINTS, GENERATOR_KEYS } from './schema.js';
import type { ParsedYaml } from './yaml.js';

export interface Validated<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

/** Validates parsed YAML with a zod schema; each failing field becomes a diagnostic at its line. */
export function validate<S extends z.ZodType>(
  schema: S,
  parsed: ParsedYaml,
  file: string,
  known: readonly string[],
): Validated<z.output<S>> {
  const diagnostics: Diagnostic[] = [];
  const data = parsed.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      diagnostics: [
        {
          code: 'content/not-a-mapping',
          severity: 'error',
          message: 'front-matter must be a set of `key: value` fields',
          file,
          line: parsed.locate([]).line,
          hint: 'Write one `key: value` per line.',
        },
      ],
    };
  }
  for (const key of parsed.keysAt([])) {
    if ((GENERATOR_KEYS as readonly string[]).includes(key) && !known.includes(key)) {
      diagnostics.push({
        code: 'content/generator-field',
        severity: 'info',
        message: `field \`${key}\` belongs to another site generator and is ignored`,
        file,
        ...parsed.locate([key]),
        field: key,
        hint: 'Nothing to do; remove it once the post no longer builds elsewhere.',
      });
    } else if (!known.includes(key)) {
      const near = closest(key, known);
      diagnostics.push({
        code: 'content/unknown-field',
        severity: 'warning',
        message: `unknown field \`${key}\` is ignored`,
        file,
        ...parsed.locate([key]),
        field: key,
        hint: near ? `Did you mean \`${near}\`?` : `Known fields: ${known.join(', ')}.`,
      });
    }
  }
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, diagnostics };
  for (const issue of result.error.issues) {
    const p = issue.path as PropertyKey[];
    const field = p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
    const value = valueAt(data, p);
    const missing = value === undefined;
    const lastKey = [...p].reverse().find((k) => typeof k === 'string') as string | undefined;
    const message = missing
      ? `missing required field \`${field}\``
      : issue.code === 'invalid_type'
        ? `\`${field}\` has the wrong type: expected ${(issue as { expected?: string }).expected ?? 'another type'}, got ${describe(value)}`
        : issue.code === 'invalid_value'
          ? `\`${field}\` must be one of ${((issue as { values?: unknown[] }).values ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`
          : `\`${field}\` ${issue.message}${typeof value === 'string' ? ` (got "${value}")` : ''}`;
    diagnostics.push({
      code: missing ? 'content/missing-field' : 'content/invalid-field',
      severity: 'error',
      message,
      file,
      ...parsed.locate(p),
      field,
      hint: (lastKey && FIELD_HINTS[lastKey]) ?? 'See README, "Content reference", for every field and an example.',
    });
  }
  return { diagnostics };
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a set of fields';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The known word within edit distance 2, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
