import type { MergeTag } from '../types.js';

// Per-recipient merge tags: `{{subscriber.name}}`, `{{subscriber.name | default: "reader"}}`
// (the fallback is used when the CSV cell is empty or the column absent) and `{{unsubscribe_url}}`.
// They survive Markdown, Handlebars and MJML as inert sentinels (letters and hex digits only),
// come back as canonical tags in the built files, and are filled per recipient by `compileFill`
// without running MJML again.

/** A merge tag in canonical or hand-written form (regex source; groups: name, column, fallback). */
export const TAG_SOURCE = String.raw`\{\{\s*(subscriber\.([A-Za-z_][\w-]*)|unsubscribe_url)\s*(?:\|\s*default:\s*"((?:[^"\\\n]|\\.)*)"\s*)?\}\}`;
const SENTINEL = /GZMT([0-9a-f]+)TMZG/g;
const WHOLE_TAG = new RegExp(`^${TAG_SOURCE}$`);
const WHOLE_SENTINEL = /^GZMT[0-9a-f]+TMZG$/;

/** Placeholder for the per-recipient unsubscribe URL, filled at send time. */
export const UNSUBSCRIBE_TAG = '{{unsubscribe_url}}';

/** The inert stand-in (letters and hex digits only) for a canonical merge tag. */
export function sentinelFor(tag: string): string {
  return `GZMT${Buffer.from(tag, 'utf8').toString('hex')}TMZG`;
}

/**
 * True when `s` is exactly one sentinel of a real merge tag: the only value that URL helpers may
 * pass through unencoded. Anything else that merely looks like one is user text.
 */
export function isSentinel(s: string): boolean {
  return WHOLE_SENTINEL.test(s) && restoreMergeTags(s, 'text') !== s;
}

export interface ProtectResult {
  text: string;
  tags: MergeTag[];
}

/** Replaces merge tags in a source (Markdown or template) by sentinels, recording where each was. */
export function protectMergeTags(src: string, file?: string, firstLine = 1): ProtectResult {
  const tags: MergeTag[] = [];
  if (!src.includes('{{')) return { text: src, tags };
  const text = src.replace(
    new RegExp(TAG_SOURCE, 'g'),
    (_match, name: string, column: string | undefined, fallback: string | undefined, offset: number) => {
      const line = firstLine + countNewlines(src, offset);
      const tag: MergeTag = { name: column ? `subscriber.${column}` : name, file, line };
      if (column) tag.column = column;
      if (fallback !== undefined) tag.fallback = unescapeFallback(fallback);
      tags.push(tag);
      return sentinelFor(canonical(tag));
    },
  );
  return { text, tags };
}

/**
 * Turns sentinels back into canonical merge tags. Only sentinels that decode to a merge tag are
 * restored: restoring runs after sanitizing, so a hand-written `GZMT<hex>TMZG` must never decode
 * to markup. A forged one stays as it is (and `gazette check` reports it as a placeholder).
 * Fallbacks are plain text: in html they come back HTML-escaped (`=` and backquote too, so that a
 * tag inside an attribute cannot add one), since nothing sanitized them after the sentinel hid them.
 */
export function restoreMergeTags(s: string, kind: 'html' | 'text'): string {
  if (!s.includes('GZMT')) return s;
  return s.replace(SENTINEL, (match, hex: string) => {
    const tag = Buffer.from(hex, 'hex').toString('utf8');
    const m = WHOLE_TAG.exec(tag);
    if (!m) return match;
    if (kind === 'text' || m[3] === undefined) return tag;
    const fallback = unescapeFallback(m[3]);
    return canonical({ name: `subscriber.${m[2]}`, column: m[2], fallback: escapeFallbackHtml(fallback) });
  });
}

export function canonical(tag: MergeTag): string {
  if (!tag.column) return `{{${tag.name}}}`;
  return tag.fallback === undefined
    ? `{{subscriber.${tag.column}}}`
    : `{{subscriber.${tag.column} | default: "${tag.fallback.replace(/["\\]/g, (c) => `\\${c}`)}"}}`;
}

/** Every merge tag in a built file (canonical form); `kind` says how its fallbacks were written. */
export function findMergeTags(s: string, kind: 'html' | 'text' = 'text'): MergeTag[] {
  const out: MergeTag[] = [];
  for (const m of s.matchAll(new RegExp(TAG_SOURCE, 'g'))) {
    const tag: MergeTag = { name: m[2] ? `subscriber.${m[2]}` : m[1]! };
    if (m[2]) tag.column = m[2];
    if (m[3] !== undefined) tag.fallback = fallbackOf(m[3], kind);
    out.push(tag);
  }
  return out;
}

function unescapeFallback(s: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => c);
}

function fallbackOf(written: string, kind: 'html' | 'text'): string {
  const plain = unescapeFallback(written);
  return kind === 'html' ? unescapeHtml(plain) : plain;
}

const FALLBACK_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '=': '&#61;',
  '`': '&#96;',
};
function escapeFallbackHtml(s: string): string {
  return s.replace(/[&<>"'=`]/g, (c) => FALLBACK_ESCAPES[c]!);
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeHtml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (m, dec, hex, name) => {
    if (name) return NAMED[name.toLowerCase()]!;
    const cp = dec ? Number(dec) : Number.parseInt(hex, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** The web version has no subscriber: each tag becomes its fallback (or nothing). */
export function fillWithFallbacks(s: string, kind: 'html' | 'text'): string {
  return compileFill(s, kind).fill({}, '');
}

export interface Fill {
  /** CSV columns the template reads. */
  columns: string[];
  /** Fills one recipient. Values are HTML-escaped (and URL-encoded inside href/src) for html. */
  fill(fields: Readonly<Record<string, string | undefined>>, unsubscribeUrl: string): string;
  /** The constant text around the tags: `fill` is statics[0] + values[0] + statics[1] + ... */
  statics: readonly string[];
  /** Only the escaped per-recipient values, for callers that pre-encode the statics (send). */
  values(fields: Readonly<Record<string, string | undefined>>, unsubscribeUrl: string): string[];
}

type Part = { kind: 'column'; column: string; fallback: string; url: boolean } | { kind: 'unsubscribe' };

/**
 * Splits a built file at its merge tags once per issue; filling a recipient is then a join of
 * constant strings and escaped values, a few microseconds per message.
 */
export function compileFill(template: string, kind: 'html' | 'text'): Fill {
  // Split on first use: a build replaying hundreds of issues from its cache never fills one.
  let split: { statics: string[]; parts: Part[]; columns: string[] } | undefined;
  const get = () => (split ??= splitAtTags(template, kind));
  const esc = kind === 'html' ? escapeHtml : (s: string) => s;
  const partValue = (p: Part, fields: Readonly<Record<string, string | undefined>>, unsubscribeUrl: string): string => {
    if (p.kind === 'unsubscribe') return esc(unsubscribeUrl);
    // Own columns only: `{{subscriber.constructor}}` must not read Object.prototype.
    const raw = Object.hasOwn(fields, p.column) ? fields[p.column] : undefined;
    const v = raw === undefined || raw.trim() === '' ? p.fallback : raw;
    return esc(p.url ? encodeURIComponent(v) : kind === 'text' ? oneLine(v) : v);
  };
  return {
    get columns() {
      return get().columns;
    },
    get statics() {
      return get().statics;
    },
    fill(fields, unsubscribeUrl) {
      const { statics, parts } = get();
      let out = statics[0]!;
      for (let i = 0; i < parts.length; i++) out += partValue(parts[i]!, fields, unsubscribeUrl) + statics[i + 1]!;
      return out;
    },
    values(fields, unsubscribeUrl) {
      return get().parts.map((p) => partValue(p, fields, unsubscribeUrl));
    },
  };
}

function splitAtTags(template: string, kind: 'html' | 'text'): { statics: string[]; parts: Part[]; columns: string[] } {
  const statics: string[] = [];
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(new RegExp(TAG_SOURCE, 'g'))) {
    const at = m.index!;
    statics.push(template.slice(last, at));
    last = at + m[0].length;
    if (m[2]) {
      const fallback = m[3] === undefined ? '' : fallbackOf(m[3], kind);
      parts.push({ kind: 'column', column: m[2], fallback, url: kind === 'html' && inUrlAttribute(template, at) });
    } else {
      parts.push({ kind: 'unsubscribe' });
    }
  }
  statics.push(template.slice(last));
  const columns = [...new Set(parts.flatMap((p) => (p.kind === 'column' ? [p.column] : [])))];
  return { statics, parts, columns };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : s;
}

/** Subscriber values never add lines to the text part. */
function oneLine(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]+/g, ' ') : s;
}

function inUrlAttribute(html: string, at: number): boolean {
  const open = html.lastIndexOf('<', at);
  if (open < 0 || html.lastIndexOf('>', at) > open) return false;
  return /\b(?:href|src)\s*=\s*["']?[^"'\s>]*$/i.test(html.slice(open, at));
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
