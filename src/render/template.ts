import Handlebars from 'handlebars';
import { label } from './labels.js';
import { escapeHtml, isSentinel, protectMergeTags } from './merge.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { TemplateFile } from './theme-files.js';
import type { Theme } from './theme.js';
import type { Diagnostic, Issue, MergeTag } from '../types.js';

// Reading the theme's files lives apart (no Handlebars): a build whose issues all come from the
// cache reads the theme for the key and never compiles it.
export { BUILTIN_TEMPLATES, issueLayouts, readTheme, type TemplateFile } from './theme-files.js';

export interface CompiledTheme {
  files: TemplateFile[];
  render(layout: string, context: TemplateContext): string;
  /** Merge tags written in the templates themselves. */
  mergeTags: MergeTag[];
}

export interface TemplateContext {
  publication: Issue['publication'];
  issue: Omit<Issue, 'articles' | 'publication' | 'introHtml' | 'introText'>;
  intro: string;
  articles: Issue['articles'];
  feature: Issue['articles'][number];
  /** The articles after the feature: the feature layout shows them as teasers (never drops them). */
  more: Issue['articles'];
  links: { web: string; unsubscribe: string; archive: string };
  theme: Theme;
  year: number;
  /** Some article has `image.dark`: the dark-mode partial then adds the rules that swap images. */
  hasDarkImages: boolean;
}

const SUFFIX = '.mjml.hbs';

/** template: compiles the theme once per distinct set of sources (cached), or reports errors. */
export function compileTheme(
  files: TemplateFile[],
  cache?: BuildCache,
): { theme?: CompiledTheme; diagnostics: Diagnostic[] } {
  if (!cache) return compileThemeNow(files);
  let failed: ReturnType<typeof compileThemeNow> | undefined;
  const key = files.map((f) => `${f.name}\0${f.file}\0${f.source}`).join('\0');
  const theme = cache.text('compiled-theme', key, 20, () => {
    const r = compileThemeNow(files);
    if (!r.theme) failed = r;
    return r.theme;
  });
  return theme ? { theme, diagnostics: [] } : failed!;
}

function compileThemeNow(files: TemplateFile[]): { theme?: CompiledTheme; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const hb = Handlebars.create();
  registerHelpers(hb);
  const layouts = new Map<string, HandlebarsTemplateDelegate>();
  const mergeTags: MergeTag[] = [];
  for (const f of files) {
    const protectedSrc = protectMergeTags(f.source, f.file);
    mergeTags.push(...protectedSrc.tags);
    // strict: a missing key throws instead of printing nothing; escaping stays on.
    const fn = hb.compile(protectedSrc.text, { strict: true, noEscape: false, preventIndent: true });
    try {
      // Handlebars compiles on first render: parse now, so a syntax error names this file. Parsing
      // alone (not rendering) leaves the codegen of the templates an issue never uses undone.
      hb.parse(protectedSrc.text);
    } catch (err) {
      const d = handlebarsDiagnostic(err, f, true);
      if (d) {
        diagnostics.push(d);
        continue;
      }
    }
    const wrapped = withFile(fn, f);
    if (f.name.startsWith('partials/'))
      hb.registerPartial(f.name.slice('partials/'.length, -SUFFIX.length), wrapped as never);
    else if (f.name.startsWith('layouts/')) layouts.set(f.name.slice('layouts/'.length, -SUFFIX.length), wrapped);
  }
  if (diagnostics.length) return { diagnostics };

  const theme: CompiledTheme = {
    files,
    mergeTags,
    render(layout, context) {
      const fn = layouts.get(layout);
      if (!fn) {
        throw Object.assign(new Error(`no template for layout "${layout}"`), {
          gazette: {
            code: 'template/missing-layout',
            file: `templates/layouts/${layout}${SUFFIX}`,
            hint: `Create templates/layouts/${layout}${SUFFIX}, or use a layout the theme has: ${[...layouts.keys()].join(', ')}.`,
          },
        });
      }
      return fn(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
  };
  return { theme, diagnostics };
}

function withFile(fn: HandlebarsTemplateDelegate, f: TemplateFile): HandlebarsTemplateDelegate {
  return (ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
    try {
      return fn(ctx, opts);
    } catch (err) {
      // The innermost template that failed names itself first.
      if (err && typeof err === 'object' && !('gazetteFile' in err)) Object.assign(err, { gazetteFile: f });
      throw err;
    }
  };
}

/** Turns a Handlebars error into a diagnostic naming the template file and line. */
export function handlebarsDiagnostic(
  err: unknown,
  fallback: TemplateFile | undefined,
  parseOnly = false,
): Diagnostic | undefined {
  if (!(err instanceof Error)) return undefined;
  const file = ((err as { gazetteFile?: TemplateFile }).gazetteFile ?? fallback)?.file;
  const parse = /Parse error on line (\d+)/.exec(err.message);
  const located = err as { lineNumber?: number; column?: number };
  const runtime = / - (\d+):(\d+)$/.exec(err.message);
  if (parseOnly && !parse && !/Expecting|Parse error|doesn't match|Invalid path/.test(err.message)) {
    // Rendering with an empty context fails in strict mode by design; only syntax matters here.
    return undefined;
  }
  const line = parse ? Number(parse[1]) : (located.lineNumber ?? (runtime ? Number(runtime[1]) : undefined));
  const missing = /"([^"]+)" not defined in/.exec(err.message);
  return {
    code: parse ? 'template/syntax' : missing ? 'template/missing-value' : 'template/error',
    severity: 'error',
    message: missing
      ? `template uses "${missing[1]}", which the context does not have`
      : `Handlebars: ${err.message.split('\n')[0]}`,
    file,
    line: line ?? 1,
    column: located.column !== undefined ? located.column + 1 : runtime ? Number(runtime[2]) + 1 : undefined,
    hint: missing
      ? 'Guard optional values with {{#if x}}...{{/if}}; see README, "Customizing templates", for the context.'
      : 'Check that every {{#block}} has its {{/block}} and every {{ has its }}.',
  };
}

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('url', (value: unknown) => new hb.SafeString(safeUrl(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{t "readMore" lang}} or {{t "moreFrom" issue.lang name=publication.name}}; escaped like {{x}}.
  hb.registerHelper('t', function (this: unknown, key: unknown, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions;
    const lang = (args[0] as string | undefined) ?? (options.data?.root as { issue?: { lang?: string } })?.issue?.lang;
    return label(String(key), lang, options.hash as Record<string, unknown>);
  });
}

/** Encodes a URL for an attribute; anything that is not http(s), mailto or tel becomes `#`. */
export function safeUrl(value: unknown): string {
  const s = String(value ?? '').trim();
  if (isSentinel(s)) return s; // a per-recipient merge tag (e.g. the unsubscribe URL)
  if (!/^(https?:|mailto:|tel:|#)/i.test(s)) return '#';
  return escapeHtml(encodeURI(decodeURIsafe(s)));
}

function decodeURIsafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}
