import path from 'node:path';
import { BuildCache } from '../cache/build-cache.js';
import { issueKey, record, replay, type RenderOutcome, type RenderedPart } from '../cache/issue-cache.js';
import { checkRendered } from '../check/rendered.js';
import { compileMjml } from '../render/compile.js';
import { restoreLiterals } from '../compose/prose.js';
import { emailImages } from '../images/email.js';
import { composeIssue } from '../compose/index.js';
import { hasErrors } from '../util/errors.js';
import { loadContent } from '../load/index.js';
import { compileFill, findMergeTags, restoreMergeTags, sentinelFor, UNSUBSCRIBE_TAG } from '../render/merge.js';
import { compileTheme, handlebarsDiagnostic, readTheme, type TemplateContext } from '../render/template.js';
import { renderTextPart } from '../render/text-part.js';
import { themeOf } from '../render/theme.js';
import type { CheckOptions } from '../check/rule.js';
import type { BuildResult, Content, Diagnostic, IssueSource, MergeTag, RenderedIssue } from '../types.js';
import { renderWebVersion } from '../render/web.js';

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
  const loaded = await loadContent(root, cache);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const content = loaded.content;
  if (!content) return { ok: false, issues: [], diagnostics };

  const sources = options.issue ? content.issues.filter((i) => i.slug === options.issue) : content.issues;
  if (options.issue && sources.length === 0) {
    diagnostics.push({
      code: 'build/unknown-issue',
      severity: 'error',
      message: `no issue "${options.issue}"`,
      file: 'content/issues',
      hint: `Issues are content/issues/<slug>.md; this root has: ${content.issues.map((i) => i.slug).join(', ') || 'none'}.`,
    });
    return { ok: false, content, issues: [], diagnostics };
  }

  const templates = await readTheme(root, cache);
  const compiled = compileTheme(templates, cache);
  diagnostics.push(...compiled.diagnostics);
  if (!compiled.theme) return { ok: false, content, issues: [], diagnostics };
  const theme = compiled.theme;

  // The full rule set (and its email-client data) is loaded only when asked for: a build stays light.
  let checkAll: CheckAll | undefined;
  if (options.rules === 'all') {
    const { checkIssue } = await import('../check/index.js');
    checkAll = (r, content) => checkIssue({ ...r, diagnostics: [] }, { content }, options.check);
  }
  const issues: RenderedIssue[] = [];
  for (const source of sources) {
    const one = await renderSource(content, source, { theme, templates, checkAll, cache });
    diagnostics.push(...one.diagnostics);
    if (one.rendered) issues.push(one.rendered);
  }
  return { ok: !hasErrors(diagnostics), content, issues, diagnostics };
}

export interface RenderParts {
  theme: NonNullable<ReturnType<typeof compileTheme>['theme']>;
  templates: Awaited<ReturnType<typeof readTheme>>;
  /** Every rule instead of the cheap ones (a build with `rules: 'all'`). */
  checkAll?: CheckAll;
  cache: BuildCache;
}

/**
 * One issue source through compose -> template -> compile -> cheap checks. Also renders the
 * synthetic one-article sources of the article pages (pipeline/article-pages.ts).
 */
export async function renderSource(
  content: Content,
  source: IssueSource,
  parts: RenderParts,
): Promise<{ rendered?: RenderedIssue; diagnostics: Diagnostic[] }> {
  const { cache, checkAll } = parts;
  const persistent = cache.persistent;
  const key = persistent && issueKey(persistent, cache, content, source, parts.templates);
  let outcome = persistent && key ? await replay(persistent, key, content, cache) : undefined;
  if (persistent) cache.stats[outcome ? 'persistentHits' : 'persistentMisses']++;
  if (!outcome) {
    outcome = await render(content, source, parts);
    if (persistent && key) await record(persistent, key, outcome);
  }
  const diagnostics = [...outcome.diagnostics];
  const partial = outcome.rendered;
  if (!partial) return { diagnostics };
  const { issue } = partial;
  const found = checkAll
    ? await checkAllRules(() => checkAll(partial, content), issue.slug, issue.file)
    : checkRendered(partial, { content });
  diagnostics.push(...found);
  return { rendered: { ...partial, diagnostics: found }, diagnostics };
}

/** compose -> template -> compile -> images, text part and web version: everything but the checks. */
async function render(
  content: Content,
  source: IssueSource,
  { theme, templates, cache }: RenderParts,
): Promise<RenderOutcome> {
  const diagnostics: Diagnostic[] = [];
  const unsubscribeSentinel = sentinelFor(UNSUBSCRIBE_TAG);
  const composed = composeIssue(content, source, cache);
  diagnostics.push(...composed.diagnostics);
  const { issue } = composed;
  const context: TemplateContext = {
    publication: issue.publication,
    issue: {
      slug: issue.slug,
      file: issue.file,
      title: issue.title,
      date: issue.date,
      dateFormatted: issue.dateFormatted,
      number: issue.number,
      preheader: issue.preheader,
      layout: issue.layout,
      webUrl: issue.webUrl,
      lang: issue.lang,
      dir: issue.dir,
    },
    intro: issue.introHtml,
    articles: issue.articles,
    feature: issue.articles[0]!,
    more: issue.articles.slice(1),
    links: { web: issue.webUrl, unsubscribe: unsubscribeSentinel, archive: `${issue.publication.url}/` },
    theme: themeOf(issue.publication),
    year: Number(issue.date.slice(0, 4)),
  };
  let mjml: string;
  try {
    mjml = theme.render(issue.layout, context);
  } catch (err) {
    const known = (err as { gazette?: Diagnostic }).gazette;
    diagnostics.push(
      known
        ? {
            ...known,
            severity: 'error',
            message: (err as Error).message,
            issue: issue.slug,
            file: issue.file,
            line: 1,
            field: 'layout',
          }
        : {
            ...(handlebarsDiagnostic(err, undefined) ?? {
              code: 'template/error',
              severity: 'error',
              message: String(err),
            }),
            issue: issue.slug,
          },
    );
    return { diagnostics, inputs: [] };
  }
  const out = await compileMjml(mjml, templates, cache);
  diagnostics.push(...out.diagnostics.map((d) => ({ ...d, issue: issue.slug })));
  if (!out.html) return { diagnostics, inputs: [] };

  // Merge tags first, then the literal braces of code and `\{{` (which must never become tags).
  // Local images then become email copies (resized, re-encoded, metadata stripped, hashed names)
  // before the web version is derived, so email, web version and dist/ agree.
  const pictures = await emailImages(restoreLiterals(restoreMergeTags(out.html, 'html'), 'html'), {
    root: content.root,
    publicationUrl: issue.publication.url,
    file: issue.file,
    cache,
  });
  diagnostics.push(...pictures.diagnostics.map((d) => ({ ...d, issue: issue.slug })));
  const html = pictures.html;
  const text = restoreLiterals(restoreMergeTags(renderTextPart(issue, unsubscribeSentinel), 'text'), 'text');
  const webHtml = renderWebVersion(html, issue);
  const mergeTags = dedupeTags(
    [...composed.mergeTags, ...theme.mergeTags],
    [...findMergeTags(html, 'html'), ...findMergeTags(text)],
  );
  const rendered: RenderedPart = {
    issue,
    mjml,
    html,
    text,
    webHtml,
    mergeTags,
    fill: { html: compileFill(html, 'html'), text: compileFill(text, 'text') },
    images: pictures.images,
    bytes: { html: Buffer.byteLength(html), text: Buffer.byteLength(text), web: Buffer.byteLength(webHtml) },
  };
  return { rendered, diagnostics, inputs: pictures.inputs };
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

/** One entry per distinct tag that made it into the output, keeping where it was first written. */
function dedupeTags(sourceTags: MergeTag[], output: MergeTag[]): MergeTag[] {
  const seen = new Map<string, MergeTag>();
  for (const t of output) {
    const key = `${t.name}|${t.fallback ?? ''}`;
    if (seen.has(key)) continue;
    const origin = sourceTags.find((s) => s.name === t.name && (s.fallback ?? '') === (t.fallback ?? ''));
    seen.set(key, { ...t, ...(origin?.file ? { file: origin.file, line: origin.line } : {}) });
  }
  return [...seen.values()];
}
