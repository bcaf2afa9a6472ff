import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { GazetteError } from '../util/errors.js';

/** A subscriber the preview can personalize the email for. */
export interface PreviewSubscriber {
  label: string;
  email: string;
  fields: Record<string, string>;
}

/** Used when no `--subscribers` file is given, and always offered first. */
export const SAMPLE_SUBSCRIBER: PreviewSubscriber = {
  label: 'Sample subscriber (Sam Reader)',
  email: 'sam.reader@example.org',
  fields: { email: 'sam.reader@example.org', name: 'Sam Reader', first_name: 'Sam', last_name: 'Reader' },
};

export const MAX_PREVIEW_SUBSCRIBERS = 50;

/** The first rows of a subscriber CSV, streamed (a list may be huge; the preview needs a few). */
export async function readSubscriberSample(file: string, max = MAX_PREVIEW_SUBSCRIBERS): Promise<PreviewSubscriber[]> {
  const input = createReadStream(file);
  const parser = parse({
    columns: (header: string[]) => header.map((h) => h.trim()),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    to: max,
  });
  input.on('error', (err) => parser.destroy(err)); // pipe() does not pass a missing file on
  const out: PreviewSubscriber[] = [];
  try {
    for await (const record of input.pipe(parser) as AsyncIterable<Record<string, string>>) {
      const email = record.email ?? '';
      if (!('email' in record)) {
        throw new GazetteError(`${file} has no "email" column`, {
          code: 'preview/subscribers',
          file,
          line: 1,
          hint: 'The first line of the CSV names the columns; one of them must be `email`.',
        });
      }
      const name = record.name || record.first_name;
      out.push({
        label: name ? `${name} <${email}>` : email || `(row ${out.length + 1}, no email)`,
        email,
        fields: { ...record },
      });
    }
  } catch (cause) {
    if (cause instanceof GazetteError) throw cause;
    const err = cause as NodeJS.ErrnoException & { lines?: number };
    throw new GazetteError(
      err.code === 'ENOENT'
        ? `cannot read subscriber list ${file}`
        : `cannot parse subscriber list ${file}: ${err.message}`,
      {
        code: 'preview/subscribers',
        file,
        line: err.lines,
        cause,
        hint:
          err.code === 'ENOENT'
            ? 'Check the path given to --subscribers (relative to the current folder).'
            : 'Save the list as CSV (comma-separated, first line the column names, quotes around fields with commas).',
      },
    );
  } finally {
    input.destroy();
  }
  return out;
}

/** What `checkIssue` wants to know about the list: its columns and the longest value of each. */
export function subscriberStats(
  rows: readonly PreviewSubscriber[],
): { columns: string[]; longest: Record<string, string> } | undefined {
  if (!rows.length) return undefined;
  const longest: Record<string, string> = {};
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.fields)) if (v.length > (longest[k]?.length ?? -1)) longest[k] = v;
  }
  return { columns: Object.keys(longest), longest };
}
