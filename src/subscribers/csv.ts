import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { Code } from '../diagnostics/catalogue.js';
import { GazetteError } from '../util/errors.js';

// The one reader of subscriber lists, for send, check and the preview: they must agree on what a
// list says. Streamed record by record (csv-parse), never loaded whole: a 100k-row list costs the
// same memory as a 10-row one. The header is trimmed and BOM-free; the `email` column is matched in
// any case and always reported as `email`; other columns keep their name (merge tags are
// case-sensitive). Values are kept as written: what the preview shows is what send sends. Line
// numbers are counted here, from the record delimiters and the line breaks inside quoted fields,
// because they point editors at the row.

export interface SubscriberHeader {
  /** Trimmed column names; the email column is always `email`. */
  columns: string[];
  /** 1-based line of the header. */
  line: number;
}

export interface SubscriberRecord {
  /** The email cell as written (not validated: that is the caller's policy). */
  email: string;
  /** Every column by name, no prototype (a column may be called `constructor`). */
  fields: Record<string, string>;
  /** 1-based line where the record starts. */
  line: number;
}

export type CsvProblem = 'unreadable' | 'syntax' | 'empty' | 'no-email';

export interface SubscriberCsvOptions {
  /** The file as messages name it. */
  display: string;
  /** What the caller calls the list, for messages: "recipient list", "subscriber list". */
  noun: string;
  /** The option that named the file, for hints: `--to`, `--subscribers`. */
  option: string;
  /** The code each problem is reported under. */
  codes: Record<CsvProblem, Code>;
  /** Called with the header before any record is read; may throw to stop. */
  onHeader?: (header: SubscriberHeader) => void;
}

export const MAX_RECORD_BYTES = 64 * 1024;

/** The records of a subscriber CSV, one at a time. Throws GazetteError (file, line, hint). */
export async function* readSubscriberCsv(file: string, o: SubscriberCsvOptions): AsyncGenerator<SubscriberRecord> {
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  // pipe() does not forward a read error (a missing file): hand it to the parser's iterator.
  input.on('error', (err) => parser.destroy(err));
  let columns: string[] | undefined;
  let emailIndex = -1;
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const at = line;
      line += 1 + lineBreaks(record);
      if (record.length === 1 && record[0] === '') continue;
      if (!columns) {
        columns = record.map((c) => c.trim());
        emailIndex = columns.findIndex((c) => c.toLowerCase() === 'email');
        if (emailIndex < 0) {
          throw new GazetteError(`the ${o.noun} has no \`email\` column`, {
            code: o.codes['no-email'],
            file: o.display,
            line: at,
            hint: `The first row must name the columns, one of them \`email\` (in any case); this one has: ${columns.join(', ') || '(nothing)'}.`,
          });
        }
        columns[emailIndex] = 'email';
        o.onHeader?.({ columns, line: at });
        continue;
      }
      const fields = Object.create(null) as Record<string, string>;
      for (let i = 0; i < columns.length; i++) fields[columns[i]!] = record[i] ?? '';
      const email = record[emailIndex] ?? '';
      fields.email = email;
      yield { email, fields, line: at };
    }
  } catch (err) {
    if (err instanceof GazetteError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new GazetteError(`cannot read the ${o.noun} ${o.display}`, {
        code: o.codes.unreadable,
        file: o.display,
        hint: `Give ${o.option} the path of an existing CSV file (relative to the current folder).`,
        cause: err,
      });
    }
    throw new GazetteError(`the ${o.noun} is not valid CSV: ${(err as Error).message}`, {
      code: o.codes.syntax,
      file: o.display,
      line,
      hint: 'Quote fields that hold commas, quotes or line breaks ("like, this"), and double the quotes inside them ("say ""hi""").',
      cause: err,
    });
  } finally {
    input.destroy();
  }
  if (!columns) {
    throw new GazetteError(`the ${o.noun} is empty`, {
      code: o.codes.empty,
      file: o.display,
      line: 1,
      hint: 'The first row names the columns (at least `email`), then one subscriber per row.',
    });
  }
}

function lineBreaks(record: string[]): number {
  let n = 0;
  for (const f of record) {
    if (f.length < 1 || (!f.includes('\n') && !f.includes('\r'))) continue;
    n += f.match(/\r\n|\r|\n/g)!.length;
  }
  return n;
}
