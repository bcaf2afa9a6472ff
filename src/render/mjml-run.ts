import { BUILTIN_TEMPLATES } from './builtin-templates.js';

/** What one MJML compile gave: the HTML, or the error mjml threw (its validation errors, if any). */
export type MjmlOutcome = { html: string } | { error: { message: string; errors?: MjmlError[] } };

export interface MjmlError {
  line: number;
  message: string;
  tagName: string;
}

/**
 * One MJML compile with Gazette's options: strict validation, no includes, no .mjmlconfig from
 * the user's folder, no web fonts. Runs wherever mjml is loaded: in-process or in the compile
 * worker (mjml-worker.ts); both give the same bytes.
 */
export async function runMjml(mjml: string): Promise<MjmlOutcome> {
  const { default: mjml2html } = await import('./mjml-lib.js');
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      fonts: {},
      keepComments: true,
      minify: false,
      beautify: false,
      ignoreIncludes: true,
      useMjmlConfigOptions: false,
      filePath: BUILTIN_TEMPLATES,
    } as never);
    return { html: result.html };
  } catch (err) {
    const errors = (err as { errors?: MjmlError[] }).errors;
    return {
      error: {
        message: (err as Error)?.message ?? String(err),
        errors: errors?.map((e) => ({ line: e.line, message: e.message, tagName: e.tagName })),
      },
    };
  }
}
