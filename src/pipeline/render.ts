import { composeIssue } from '../compose/index.js';
import { restoreLiterals } from '../compose/prose.js';
import { emailImages } from '../images/email.js';
import { stripMarks, withoutMarks } from '../compose/lines.js';
import { compileMjml } from '../render/compile.js';
import { compileFill, findMergeTags, restoreMergeTags, sentinelFor, UNSUBSCRIBE_TAG } from '../render/merge.js';
import { type CompiledTheme, handlebarsDiagnostic, type TemplateContext } from '../render/template.js';
import { renderTextPart } from '../render/text-part.js';
import { themeOf } from '../render/theme.js';
import { renderWebVersion } from '../render/web.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { RenderOutcome, RenderedPart } from '../cache/issue-cache.js';
import type { TemplateFile } from '../render/theme-files.js';
import type { Content, Diagnostic, IssueSource, MergeTag } from '../types.js';

// Rendering one issue, loaded by the build only when an issue is not in the cache: Markdown,
// sanitizing, Handlebars and MJML are the bulk of a cold start, and a build whose issues all come
// from .gazette/cache/ never loads them.

export interface RenderParts {
  theme: CompiledTheme;
  templates: TemplateFile[];
  cache: BuildCache;
  /**
   * Work for the main thread while the compile worker runs MJML (loading what the stages after
   * the compile import): without it, the main thread waits idle, then loads.
   */
  whileCompiling?: () => Promise<unknown>;
}

/** compose -> template -> compile -> images, text part and web version: everything but the checks. */
export async function render(
  content: Content,
  source: IssueSource,
  { theme, templates, cache, whileCompiling }: RenderParts,
): Promise<RenderOutcome> {
  const diagnostics: Diagnostic[] = [];
  const unsubscribeSentinel = sentinelFor(UNSUBSCRIBE_TAG);
  const composed = composeIssue(content, source, cache);
  diagnostics.push(...composed.diagnostics);
  const { issue } = composed;
  // The templates render the HTML with line marks; they are stripped below, once compiled.
  const articles = issue.articles.map((a, i) => ({ ...a, html: composed.marked.articles[i] ?? a.html }));
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
    intro: composed.marked.intro,
    articles,
    feature: articles[0]!,
    more: articles.slice(1),
    links: { web: issue.webUrl, unsubscribe: unsubscribeSentinel, archive: `${issue.publication.url}/` },
    theme: themeOf(issue.publication),
    hasDarkImages: issue.articles.some((a) => a.image?.darkUrl !== undefined),
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
  const compiling = compileMjml(mjml, templates, cache);
  if (cache.mjml && whileCompiling) await whileCompiling().catch(() => {});
  const out = await compiling;
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
  const { html, marks } = stripMarks(pictures.html);
  const text = restoreLiterals(restoreMergeTags(renderTextPart(issue, unsubscribeSentinel), 'text'), 'text');
  const webHtml = renderWebVersion(html, issue);
  const mergeTags = dedupeTags(
    [...composed.mergeTags, ...theme.mergeTags],
    [...findMergeTags(html, 'html'), ...findMergeTags(text)],
  );
  const rendered: RenderedPart = {
    issue,
    mjml: withoutMarks(mjml),
    html,
    text,
    webHtml,
    mergeTags,
    fill: { html: compileFill(html, 'html'), text: compileFill(text, 'text') },
    images: pictures.images,
    sourceMap: marks,
    bytes: { html: Buffer.byteLength(html), text: Buffer.byteLength(text), web: Buffer.byteLength(webHtml) },
  };
  return { rendered, diagnostics, inputs: pictures.inputs };
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
