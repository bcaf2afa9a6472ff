import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Checks relative links in Markdown: the file must exist, and an `#anchor` must name a heading
// (GitHub's anchor rules) or an `id`/`name` of the target. External links (any `scheme:`) are
// never fetched. Used by tests/unit/docs-links.test.ts.

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Markdown outside fenced code blocks, with inline code spans blanked (links in code are text). */
function prose(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (!fence) fence = m[1]![0]!.repeat(m[1]!.length);
      else if (m[1]!.startsWith(fence)) fence = undefined;
      lines.push('');
      continue;
    }
    lines.push(fence ? '' : line.replace(/(`+)(?:(?!\1).)+\1/g, (s) => ' '.repeat(s.length)));
  }
  return lines;
}

export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const raw = markdown.split(/\r?\n/);
  let fence = false;
  for (const line of raw) {
    if (/^\s{0,3}(`{3,}|~{3,})/.test(line)) fence = !fence;
    if (fence) continue;
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = headingSlug(h[1]!.replace(/`/g, ''));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n ? `${base}-${n}` : base);
    }
    for (const m of line.matchAll(/\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** The broken relative links of one Markdown file (path relative to `root`). */
export function brokenLinks(repo: string, file: string): BrokenLink[] {
  const root = path.resolve(repo);
  const abs = path.join(root, file);
  const text = readFileSync(abs, 'utf8');
  const out: BrokenLink[] = [];
  prose(text).forEach((line, i) => {
    const targets = [
      ...[...line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
      const [rawPath = '', anchor] = target.split('#', 2);
      const linked = rawPath ? path.resolve(path.dirname(abs), decodeURIComponent(rawPath)) : abs;
      const at = { file, line: i + 1, target };
      if (!linked.startsWith(root + path.sep) && linked !== root) {
        out.push({ ...at, problem: 'points outside the repository' });
        continue;
      }
      if (!existsSync(linked)) {
        out.push({ ...at, problem: `no file ${path.relative(root, linked)}` });
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(linked).isDirectory() || !linked.endsWith('.md')) {
        out.push({ ...at, problem: 'an anchor into something that is not a Markdown file' });
        continue;
      }
      if (!anchorsOf(readFileSync(linked, 'utf8')).has(decodeURIComponent(anchor)))
        out.push({ ...at, problem: `no heading #${anchor} in ${path.relative(root, linked)}` });
    }
  });
  return out;
}

export function docFiles(root: string): string[] {
  const top = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md'].filter((f) => existsSync(path.join(root, f)));
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : [],
    );
  return [...top, ...(existsSync(path.join(root, 'docs')) ? walk('docs') : [])];
}
