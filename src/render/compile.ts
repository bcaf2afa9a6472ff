import type { MjmlEngine } from './mjml-engine.js';
import { type MjmlError, runMjml } from './mjml-run.js';
import type { TemplateFile } from './theme-files.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { Diagnostic } from '../types.js';

export interface CompiledMjml {
  html?: string;
  diagnostics: Diagnostic[];
}

/** HTML of MJML compiled before (by its hash) in a cache: a preview rebuild recompiles only issues whose MJML changed. */
const MAX_CACHED = 50;

/**
 * compile: MJML -> HTML (runMjml: strict validation, no includes, no .mjmlconfig, no web fonts),
 * in the cache's compile worker when it has one. Errors name the template file and line that
 * produced the bad MJML.
 */
export async function compileMjml(mjml: string, templates: TemplateFile[], cache?: BuildCache): Promise<CompiledMjml> {
  if (!cache) return compileNow(mjml, templates);
  let failed: CompiledMjml | undefined;
  const html = await cache.textAsync('mjml', mjml, MAX_CACHED, async () => {
    cache.stats.mjmlCompiles++;
    const r = await compileNow(mjml, templates, cache.mjml);
    if (r.html === undefined) failed = r;
    return r.html;
  });
  return html !== undefined ? { html, diagnostics: [] } : failed!;
}

async function compileNow(mjml: string, templates: TemplateFile[], engine?: MjmlEngine): Promise<CompiledMjml> {
  const outcome = engine ? await engine.compile(mjml) : await runMjml(mjml);
  if ('html' in outcome) return { html: outcome.html, diagnostics: [] };
  const { errors, message } = outcome.error;
  if (!errors?.length) {
    return {
      diagnostics: [
        {
          code: 'template/mjml',
          severity: 'error',
          message: `MJML: ${message}`,
          hint: 'Check that the layout starts with <mjml> and every tag is closed.',
        },
      ],
    };
  }
  const lines = mjml.split('\n');
  return {
    diagnostics: errors.map((e) => {
      const where = locateInTemplates(lines[e.line - 1] ?? '', e, templates);
      return {
        code: 'template/mjml',
        severity: 'error',
        message: `MJML (${e.tagName}): ${e.message}`,
        file: where?.file,
        line: where?.line,
        hint: `Fix the <${e.tagName}> in the template (line ${e.line} of the generated MJML); see mjml.io/documentation for its allowed attributes and children.`,
      } satisfies Diagnostic;
    }),
  };
}

/** Finds the template line that most likely produced a generated MJML line. */
function locateInTemplates(
  generated: string,
  e: MjmlError,
  templates: TemplateFile[],
): { file: string; line: number } | undefined {
  const attr = /Attribute (\S+) is illegal/.exec(e.message)?.[1];
  const needles = [attr ? `${attr}=` : undefined, `<${e.tagName}`].filter(Boolean) as string[];
  const gen = generated.trim();
  let best: { file: string; line: number; score: number } | undefined;
  for (const t of templates) {
    t.source.split('\n').forEach((text, i) => {
      let score = 0;
      if (!text.includes(`<${e.tagName}`)) return;
      for (const n of needles) if (text.includes(n)) score += 2;
      if (gen && text.trim() === gen) score += 3;
      if (!best || score > best.score) best = { file: t.file, line: i + 1, score };
    });
  }
  return best;
}
