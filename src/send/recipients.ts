import { readSubscriberCsv, type SubscriberHeader } from '../subscribers/csv.js';
import { checkAddress } from './address.js';

// The recipient list as send sees it: src/subscribers/csv.ts reads it (streamed, the same reader
// as check and the preview); here each address is validated and normalized.

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

export type CsvHeader = SubscriberHeader;

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
  const records = readSubscriberCsv(file, {
    display: displayName,
    noun: 'recipient list',
    option: '--to',
    codes: {
      unreadable: 'send/csv-unreadable',
      syntax: 'send/csv-syntax',
      empty: 'send/csv-empty',
      'no-email': 'send/csv-no-email',
    },
    onHeader,
  });
  for await (const { email: raw, fields, line } of records) {
    const check = checkAddress(raw);
    if (!check.ok) {
      yield { kind: 'invalid', raw, reason: `address ${JSON.stringify(raw.slice(0, 80))} ${check.reason}`, line };
      continue;
    }
    fields.email = check.email;
    yield { kind: 'valid', email: check.email, ascii: check.ascii, fields, line };
  }
}
