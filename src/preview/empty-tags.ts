import { canonical } from '../render/merge.js';
import type { Diagnostic, RenderedIssue } from '../types.js';
import type { PreviewSubscriber } from './subscribers.js';

/**
 * Merge tags with no fallback that this subscriber has no value for: the frame shows them as
 * nothing ("you live in ."), so the page must say so instead of "No problems found". Only the
 * viewed subscriber counts: it is about what the editor is looking at.
 */
export function emptyMergeTags(r: RenderedIssue, s: PreviewSubscriber | undefined): Diagnostic[] {
  if (!s) return []; // "Merge tags, unfilled": nothing is filled, nothing is empty
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const tag of r.mergeTags) {
    if (!tag.column || tag.fallback !== undefined) continue;
    if ((s.fields[tag.column] ?? '').trim() !== '') continue;
    const key = `${tag.column}\0${tag.file}\0${tag.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const has = Object.hasOwn(s.fields, tag.column) ? `its "${tag.column}" is empty` : `it has no "${tag.column}"`;
    out.push({
      code: 'preview/empty-merge-tag',
      severity: 'warning',
      message: `${canonical(tag)} renders as nothing for ${s.label}: ${has} and the tag has no fallback`,
      hint: `Give it a fallback, {{subscriber.${tag.column} | default: "..."}}, or make sure every subscriber has a "${tag.column}".`,
      issue: r.issue.slug,
      ...(tag.file ? { file: tag.file, line: tag.line ?? 1 } : { file: r.issue.file, line: 1 }),
    });
  }
  return out;
}
