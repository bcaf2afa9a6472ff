import { readRecipients } from './recipients.js';

// Where a send's recipients come from. Today a CSV file; the subscriber store becomes another
// source behind the same interface, so sendIssue() never learns which one it reads.

export type RecipientRow =
  | {
      kind: 'valid';
      /** Normalized (trimmed, lowercased): the journal and suppression key. */
      email: string;
      /** Same address with an A-label domain, for the SMTP envelope. */
      ascii: string;
      fields: Record<string, string>;
      /** Where the row is, for messages (a CSV line; a store may number its rows). */
      line: number;
    }
  | { kind: 'invalid'; raw: string; reason: string; line: number };

export interface RecipientSource {
  /** Names the source in messages: a file path as the user typed it, or "the subscriber store". */
  readonly description: string;
  /**
   * Yields every recipient, after handing `onColumns` the merge fields each row carries (it may
   * throw to stop before any row is read, e.g. for a merge tag without a column).
   */
  rows(onColumns?: (columns: string[]) => void): AsyncIterable<RecipientRow>;
}

/** A subscriber CSV with an `email` column, streamed (never loaded whole). */
export function csvSource(file: string, description = file): RecipientSource {
  return {
    description,
    rows: (onColumns) => readRecipients(file, description, onColumns && ((h) => onColumns(h.columns))),
  };
}
