import path from 'node:path';
import { BuildCache } from '../cache/build-cache.js';
import { checksKey, issueKey, record, replay } from '../cache/issue-cache.js';
import { checkRendered } from '../check/rendered.js';
import { hasErrors } from '../util/errors.js';
import { loadContent } from '../load/index.js';
import { UNSUBSCRIBE_TAG } from '../render/merge.js';
import type { CompiledTheme } from '../render/template.js';
import { readTheme, type TemplateFile } from '../render/theme-files.js';
import type { CheckOptions } from '../check/rule.js';
import type { BuildResult, Content, Diagnostic, IssueSource, RenderedIssue } from '../types.js';

export interface BuildOptions {
  /** Folder holding content/ and optionally templates/. */
  root: string;
  /** Build only this issue (slug). */
  issue?: string;
  /**
   * Which check rules run, once per issue: 'cheap' (the default: size, leftover MJML; what every
   * build reports) or 'all' (every rule: `gazette check` and the preview).
   */
  rules?: RuleSet;
  /** Options of the 'all' rule set (subscriber sample, online links). */
  check?: CheckOptions;
  /**
   * What this build may reuse from earlier builds and leaves for later ones (the preview session
   * keeps one for its whole run). None: a fresh one, so nothing is shared between calls.
   */
  cache?: BuildCache;
}

export type RuleSet = 'cheap' | 'all';

/** Every rule on one rendered issue (check/index.ts's checkIssue, imported only when asked for). */
type CheckAll = (r: Omit<RenderedIssue, 'diagnostics'>, content: Content) => Promise<Diagnostic[]>;

export { UNSUBSCRIBE_TAG };

/**
 * The one pipeline: load -> compose -> template -> compile -> check. `gazette build`, `preview`,
 * `check` and `send` all call this; it never writes files (see write.ts) and never throws for
 * bad content or templates: every problem is a diagnostic in the result.
 */
export async function buildIssue(options: BuildOptions): Promise<BuildResult> {
  const root = path.resolve(options.root);
  const cache = options.cache ?? new BuildCache();
  cache.beginBuild();
  const loaded = await loadContent(root, cache);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  // With loading errors, the issues whose files did load are still rendered and checked: every
  // problem of every stage in one run. The result's `content` stays for a clean load only.
  const { partial } = loaded;
  const content =
    loaded.content ??
    (partial.publication
      ? { root, publication: partial.publication, articles: partial.articles, issues: partial.issues }
      : undefined);
  if (!content) return { ok: false, issues: [], diagnostics };
  const loadedContent = loaded.content;

  const named = options.issue ? content.issues.filter((i) => i.slug === options.issue) : content.issues;
  // An issue listing an article that did not load (its errors are reported) cannot be composed.
  const sources = named.filter((s) => s.articles.every((a) => content.articles.has(a)));
  // An issue file that failed to load is not "unknown": its own errors say why.
  const failedToLoad = (slug: string) =>
    diagnostics.some((d) => d.file?.startsWith('content/issues/') && path.parse(d.file).name === slug);
  if (options.issue && named.length === 0 && failedToLoad(options.issue))
    return { ok: false, content: loadedContent, issues: [], diagnostics };
  if (options.issue && named.length === 0) {
    diagnostics.push({
      code: 'build/unknown-issue',
      severity: 'error',
      message: `no issue "${options.issue}"`,
      file: 'content/issues',
      hint: `Issues are content/issues/<slug>.md; this root has: ${content.issues.map((i) => i.slug).join(', ') || 'none'}.`,
    });
    return { ok: false, content: loadedContent, issues: [], diagnostics };
  }

  const templates = await readTheme(root, cache);
  const theme = lazyTheme(templates, cache);

  // The full rule set (and its heavy email-client data) is imported at the first issue whose
  // findings are not cached.
  let checkAll: CheckAll | undefined;
  if (options.rules === 'all') {
    checkAll = async (r, content) => {
      const { checkIssue } = await import('../check/index.js');
      return checkIssue({ ...r, diagnostics: [] }, { content, cache }, options.check);
    };
  }
  // Online links are asked of the world each time; every other rule reads only what the issue's
  // cache key covers, plus the subscriber sample, so its findings are stored beside the render.
  const checkId = checkAll && !options.check?.links ? JSON.stringify(options.check?.subscribers ?? null) : undefined;
  void startCompilerOnMiss(content, sources, templates, cache);
  const issues: RenderedIssue[] = [];
  for (const source of sources) {
    const one = await renderSource(content, source, { theme, templates, checkAll, checkId, cache });
    // A theme that does not compile is the build's one error: no issue renders without it.
    const broken = theme.failed();
    if (broken) return { ok: false, content: loadedContent, issues: [], diagnostics: [...diagnostics, ...broken] };
    diagnostics.push(...one.diagnostics);
    if (one.rendered) issues.push(one.rendered);
  }
  return { ok: !hasErrors(diagnostics), content: loadedContent, issues, diagnostics };
}

/**
 * Starts the compile worker (when there is one) as soon as some issue is known not to be in the
 * persistent cache, so that loading mjml overlaps the replay of the issues that are: one edited
 * article in a 200-issue archive then costs its compile, not mjml's load on top of everything.
 */
async function startCompilerOnMiss(
  content: Content,
  sources: IssueSource[],
  templates: TemplateFile[],
  cache: BuildCache,
): Promise<void> {
  const { persistent, mjml } = cache;
  if (!mjml || !persistent) return;
  for (const source of sources)
    if (!(await persistent.has(issueKey(persistent, cache, content, source, templates)))) return mjml.start();
}

export interface SourceParts {
  /** The theme, compiled the first time an issue is not in the cache (see lazyTheme). */
  theme: LazyTheme;
  templates: TemplateFile[];
  /** Every rule instead of the cheap ones (a build with `rules: 'all'`). */
  checkAll?: CheckAll;
  /** What else checkAll's findings depend on (JSON); none: they are not cached. */
  checkId?: string;
  cache: BuildCache;
}

export interface LazyTheme {
  get(): Promise<CompiledTheme | undefined>;
  /** The theme's errors, once it was compiled and failed. */
  failed(): Diagnostic[] | undefined;
}

/** Handlebars and the theme's compile, only when some issue has to be rendered. */
export function lazyTheme(templates: TemplateFile[], cache: BuildCache): LazyTheme {
  let compiled: Promise<{ theme?: CompiledTheme; diagnostics: Diagnostic[] }> | undefined;
  let errors: Diagnostic[] | undefined;
  return {
    async get() {
      compiled ??= import('../render/template.js').then((m) => m.compileTheme(templates, cache));
      const r = await compiled;
      if (!r.theme) errors = r.diagnostics;
      return r.theme;
    },
    failed: () => errors,
  };
}

/**
 * One issue source through compose -> template -> compile -> cheap checks. Also renders the
 * synthetic one-article sources of the article pages (pipeline/article-pages.ts).
 */
export async function renderSource(
  content: Content,
  source: IssueSource,
  parts: SourceParts,
): Promise<{ rendered?: RenderedIssue; diagnostics: Diagnostic[] }> {
  const { cache, checkAll } = parts;
  const persistent = cache.persistent;
  const key = persistent && issueKey(persistent, cache, content, source, parts.templates);
  let outcome = persistent && key ? await replay(persistent, key, content, cache) : undefined;
  if (persistent) cache.stats[outcome ? 'persistentHits' : 'persistentMisses']++;
  if (!outcome) {
    const theme = await parts.theme.get();
    if (!theme) return { diagnostics: [] };
    const { render } = await import('./render.js');
    // Every rule's modules (and caniemail's data) load while MJML compiles in the worker.
    const whileCompiling = checkAll ? () => import('../check/index.js') : undefined;
    outcome = await render(content, source, { theme, templates: parts.templates, cache, whileCompiling });
    if (persistent && key) await record(persistent, key, outcome);
  }
  const diagnostics = [...outcome.diagnostics];
  const partial = outcome.rendered;
  if (!partial) return { diagnostics };
  const { issue } = partial;
  const found = checkAll
    ? await cachedChecks(parts, key && checksKey(key, parts.checkId ?? '', outcome.inputs), () =>
        checkAllRules(() => checkAll(partial, content), issue.slug, issue.file),
      )
    : checkRendered(partial, { content });
  diagnostics.push(...found);
  return { rendered: { ...partial, diagnostics: found }, diagnostics };
}

/** Every rule's findings, from the persistent cache when this render and checkId were checked before. */
async function cachedChecks(
  parts: SourceParts,
  at: string | undefined,
  run: () => Promise<Diagnostic[]>,
): Promise<Diagnostic[]> {
  const persistent = parts.cache.persistent;
  if (!persistent || !at || parts.checkId === undefined) return run();
  const stored = await persistent.get(at);
  if (Array.isArray(stored)) return stored as Diagnostic[];
  const found = await run();
  // A crashed rule is reported again next time rather than remembered.
  if (!found.some((d) => d.code === 'check/crashed')) await persistent.put(at, found);
  return found;
}

/** A crashing rule is a bug; the email still built, so the crash is reported beside it. */
async function checkAllRules(run: () => Promise<Diagnostic[]>, slug: string, file: string): Promise<Diagnostic[]> {
  try {
    return await run();
  } catch (err) {
    return [
      {
        code: 'check/crashed',
        severity: 'error',
        message: `a check rule crashed: ${(err as Error)?.message ?? String(err)}`,
        issue: slug,
        file,
        hint: 'The email built; this is a bug in Gazette. Please report it with the issue file.',
      },
    ];
  }
}
