import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { GazetteError } from '../util/errors.js';
import type { SubscriberSample } from './rule.js';

/**
 * `--subscribers FILE.csv`: the header and the longest value of each column, streamed (the list
 * may have a million rows; only one row is in memory at a time).
 */
export async function readSubscriberSample(file: string): Promise<SubscriberSample> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  // pipe() does not forward a read error (ENOENT...): hand it to the parser, which rejects the loop.
  const input = createReadStream(file).on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let columns: string[] | undefined;
  // No prototype: a column named `constructor` or `__proto__` is a column like any other.
  const longest = Object.create(null) as Record<string, string>;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!columns) {
        columns = record.map((c) => c.trim());
        continue;
      }
      for (let i = 0; i < columns.length; i++) {
        const v = record[i] ?? '';
        const col = columns[i]!;
        if (Buffer.byteLength(v) > Buffer.byteLength(longest[col] ?? '')) longest[col] = v;
      }
    }
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException & { lines?: number };
    if (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES') {
      throw new GazetteError(`cannot read the subscriber list ${file}`, {
        code: 'check/subscribers',
        file,
        hint: 'Give --subscribers the path of a CSV file with a header row (email,name,...).',
        cause,
      });
    }
    throw new GazetteError(`the subscriber list is not valid CSV: ${e.message}`, {
      code: 'check/subscribers',
      file,
      line: e.lines,
      hint: 'Quote fields that contain commas or quotes ("Mash\'Al, Dana"), and keep one record per line.',
      cause,
    });
  }
  if (!columns) {
    throw new GazetteError('the subscriber list is empty', {
      code: 'check/subscribers',
      file,
      line: 1,
      hint: 'The first line must be a header such as `email,name`.',
    });
  }
  return { columns, longest };
}
