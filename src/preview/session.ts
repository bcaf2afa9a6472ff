import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { BuildCache } from '../cache/build-cache.js';
import { buildIssue } from '../pipeline/build.js';
import type { CheckOptions } from '../check/index.js';
import { CHECK_FAMILIES } from '../diagnostics/catalogue.js';
import type { BuildResult, Diagnostic, Publication, RenderedIssue } from '../types.js';

const ERROR_GRACE_MS = 80;

/** What changed for one issue in a rebuild: its outputs (frames reload) or only its page. */
export type Change = 'frames' | 'meta';

export interface BuildEvent {
  version: number;
  /** Only the issues whose output or diagnostics changed; pages of others do nothing. */
  changed: Record<string, Change>;
  ms: number;
}

/** One issue as the preview shows it. */
export interface IssueView {
  slug: string;
  /** The current render, or the last good one while the issue is broken (`stale`). */
  rendered?: RenderedIssue;
  stale: boolean;
  diagnostics: Diagnostic[];
  publication?: Publication;
}

/**
 * The preview's build state. Every rebuild goes through `buildIssue`, the same pipeline as
 * `gazette build`, with the session's own BuildCache: a save re-parses, re-composes and
 * recompiles only what the saved file changed. Keeps the last good render of each issue so a broken
 * file shows its errors beside the email instead of a blank page, and emits `build` with the
 * issues that changed.
 */
export class PreviewSession extends EventEmitter<{ build: [BuildEvent] }> {
  version = 0;
  result: BuildResult = { ok: false, issues: [], diagnostics: [] };
  lastBuildMs = 0;
  /** Owned by the session for its whole run; the email copies of images are served from it too. */
  readonly cache = new BuildCache();
  private lastGood = new Map<string, RenderedIssue>();
  private prints = new Map<string, { frames: string; meta: string }>();
  private running?: Promise<void>;
  private dirty = false;

  constructor(
    readonly root: string,
    private checkOptions: CheckOptions = {},
  ) {
    super();
  }

  /** Rebuilds now; calls during a build coalesce into one more build after it. */
  rebuild(): Promise<void> {
    this.dirty = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves once no build is running or queued. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Slugs known now or from a last good build, newest issue first. */
  slugs(): string[] {
    const current = this.result.content?.issues.map((i) => i.slug) ?? [];
    return [...new Set([...current, ...this.lastGood.keys()])];
  }

  view(slug: string): IssueView | undefined {
    const fresh = this.result.issues.find((r) => r.issue.slug === slug);
    const rendered = fresh ?? this.lastGood.get(slug);
    const known = this.result.content?.issues.some((i) => i.slug === slug);
    if (!rendered && !known) return undefined;
    return {
      slug,
      rendered,
      stale: !fresh && !!rendered,
      diagnostics: this.diagnosticsOf(slug),
      publication: this.result.content?.publication ?? rendered?.issue.publication,
    };
  }

  /** Diagnostics of the issue, of the files it depends on, and of the whole build (load errors). */
  diagnosticsOf(slug: string): Diagnostic[] {
    const all = this.result.diagnostics.filter((d) => !d.issue || d.issue === slug);
    const seen = new Set<string>();
    return all.filter((d) => {
      const key = JSON.stringify([d.code, d.severity, d.message, d.file, d.line, d.column, d.field]);
      return seen.has(key) ? false : (seen.add(key), true);
    });
  }

  private async loop(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      await this.buildOnce();
    }
  }

  private async buildOnce(): Promise<void> {
    const started = performance.now();
    let result: BuildResult;
    try {
      // Every rule, once, inside the build: the same findings as `gazette check`.
      result = await buildIssue({ root: this.root, rules: 'all', check: this.checkOptions, cache: this.cache });
    } catch (err) {
      // buildIssue reports bad content as diagnostics; this is a bug, but the server stays up.
      result = {
        ok: false,
        issues: [],
        diagnostics: [
          {
            code: 'preview/build-crashed',
            severity: 'error',
            message: `the build crashed: ${(err as Error)?.stack ?? String(err)}`,
            hint: 'This is a bug in Gazette; please report it with the file you just changed.',
          },
        ],
      };
    }
    // A save is often two writes (truncate, then write): a build that fails while another change
    // is already on its way is dropped instead of flashing errors at the editor.
    if (!builds(result)) {
      await new Promise((resolve) => setTimeout(resolve, ERROR_GRACE_MS));
      if (this.dirty) return;
    }
    this.result = result;
    for (const r of result.issues) this.lastGood.set(r.issue.slug, r);
    // An issue whose file is gone (content loaded fine without it) is not kept as "stale".
    if (result.content) {
      const present = new Set(result.content.issues.map((i) => i.slug));
      for (const slug of this.lastGood.keys()) if (!present.has(slug)) this.lastGood.delete(slug);
    }
    this.version++;
    this.lastBuildMs = performance.now() - started;
    this.emit('build', { version: this.version, changed: this.diff(), ms: Math.round(this.lastBuildMs) });
  }

  private diff(): Record<string, Change> {
    const changed: Record<string, Change> = {};
    const slugs = new Set([...this.prints.keys(), ...this.slugs()]);
    for (const slug of slugs) {
      const v = this.view(slug);
      const r = v?.rendered;
      const print = {
        frames: hash(r ? [r.html, r.text, r.webHtml] : []),
        meta: hash(
          v ? [v.stale, v.diagnostics, r?.issue.title, r?.issue.preheader, r?.bytes, v.publication?.from] : null,
        ),
      };
      const before = this.prints.get(slug);
      if (!before || before.frames !== print.frames) changed[slug] = 'frames';
      else if (before.meta !== print.meta) changed[slug] = 'meta';
      if (v) this.prints.set(slug, print);
      else this.prints.delete(slug);
    }
    return changed;
  }
}

/** No error from loading, templates or MJML (a check rule's error does not make a save half-written). */
function builds(result: BuildResult): boolean {
  return !result.diagnostics.some((d) => d.severity === 'error' && !CHECK_FAMILIES.includes(d.code.split('/')[0]!));
}

function hash(value: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(value) ?? '')
    .digest('hex');
}
