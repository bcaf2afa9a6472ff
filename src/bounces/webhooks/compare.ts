import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (hashed first, so their lengths leak nothing either). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}

export type JsonObject = Record<string, unknown>;

/** Reads a JSON object, or undefined. */
export function jsonObject(body: string): JsonObject | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** The value at `path` inside parsed JSON (undefined when any step is missing). */
export function at(v: unknown, ...path: string[]): unknown {
  for (const k of path) v = v && typeof v === 'object' ? (v as JsonObject)[k] : undefined;
  return v;
}

/** The string at `path`, or undefined; numbers (ids) are given as strings. */
export function str(v: unknown, ...path: string[]): string | undefined {
  const x = at(v, ...path);
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
}
