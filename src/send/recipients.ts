import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { GazetteError } from '../util/errors.js';
import { checkAddress } from './address.js';

// The subscriber CSV is streamed record by record (csv-parse), never loaded whole: a 100k-row
// list costs the same memory as a 10-row one. Line numbers are counted here, from the record
// delimiters and the line breaks inside quoted fields, because they point editors at the row.

export interface ValidRow {
  kind: 'valid';
  /** Normalized (trimmed, lowercased): the journal and suppression key. */
  email: string;
  /** Same address with an A-label domain, for the SMTP envelope. */
  ascii: string;
  fields: Record<string, string>;
  line: number;
}

export interface InvalidRow {
  kind: 'invalid';
  raw: string;
  reason: string;
  line: number;
}

export type CsvRow = ValidRow | InvalidRow;

export interface CsvHeader {
  columns: string[];
  /** 1-based line of the header. */
  line: number;
}

/**
 * Reads `file` and yields one entry per data row, after calling `onHeader` with the columns
 * (which may throw to stop before any row is read). The `email` column is required (matched
 * case-insensitively); every other column becomes a merge field under its header name.
 */
export async function* readRecipients(
  file: string,
  displayName: string,
  onHeader?: (h: CsvHeader) => void,
): AsyncGenerator<CsvRow> {
  const input = createReadStream(file);
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ['\r\n', '\n', '\r'],
      max_record_size: 64 * 1024,
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
          throw new GazetteError('the recipient list has no `email` column', {
            code: 'send/csv-no-email',
            file: displayName,
            line: at,
            hint: `The first row must name the columns, one of them \`email\`; this one has: ${columns.join(', ') || '(nothing)'}.`,
          });
        }
        columns[emailIndex] = 'email';
        onHeader?.({ columns, line: at });
        continue;
      }
      const raw = record[emailIndex] ?? '';
      const check = checkAddress(raw);
      if (!check.ok) {
        yield { kind: 'invalid', raw, reason: `address ${JSON.stringify(raw.slice(0, 80))} ${check.reason}`, line: at };
        continue;
      }
      const fields: Record<string, string> = Object.create(null) as Record<string, string>;
      for (let i = 0; i < columns.length; i++) fields[columns[i]!] = record[i] ?? '';
      fields.email = check.email;
      yield { kind: 'valid', email: check.email, ascii: check.ascii, fields, line: at };
    }
  } catch (err) {
    if (err instanceof GazetteError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new GazetteError(`cannot read the recipient list ${displayName}`, {
        code: 'send/csv-unreadable',
        file: displayName,
        hint: 'Pass an existing CSV file with --to FILE.csv.',
        cause: err,
      });
    }
    throw new GazetteError(`the recipient list is not valid CSV: ${(err as Error).message}`, {
      code: 'send/csv-syntax',
      file: displayName,
      line,
      hint: 'Quote fields that hold commas, quotes or line breaks ("like, this"), and double the quotes inside them ("say ""hi""").',
      cause: err,
    });
  }
  if (!columns) {
    throw new GazetteError('the recipient list is empty', {
      code: 'send/csv-empty',
      file: displayName,
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
