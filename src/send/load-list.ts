import type { AddOutcome, Journal, NewRecipient } from '../store/journal.js';
import type { Diagnostic, RenderedIssue } from '../types.js';
import { GazetteError } from '../util/errors.js';
import type { MessageTemplate } from './message.js';
import type { RecipientSource } from './source.js';

// Reading a recipient source into the journal: only the worker that loads a run does this.

const BATCH = 500;

export interface Loaded {
  loadId: number;
  rows: number;
  invalid: number;
  outcomes: Record<AddOutcome, number>;
}

/** Streams the recipients into the journal, in batches, before anything is sent. */
export async function loadList(
  source: RecipientSource,
  rendered: RenderedIssue,
  template: MessageTemplate,
  journal: Journal,
  loadId: number,
  onNotice: ((d: Diagnostic) => void) | undefined,
): Promise<Loaded> {
  const slug = rendered.issue.slug;
  const outcomes: Record<AddOutcome, number> = { new: 0, duplicate: 0, 'already-sent': 0, resumed: 0 };
  let rows = 0;
  let invalid = 0;
  let batch: NewRecipient[] = [];
  let bad: { line: number; raw: string; reason: string }[] = [];
  const flush = async () => {
    for (const o of await journal.addRecipients(slug, loadId, batch)) outcomes[o]++;
    await journal.addInvalid(slug, loadId, bad);
    batch = [];
    bad = [];
  };
  const columns = (have: string[]) => checkColumns(have, rendered, source.description, onNotice);
  for await (const row of source.rows(columns)) {
    rows++;
    if (row.kind === 'invalid') {
      invalid++;
      onNotice?.({
        code: 'send/invalid-address',
        severity: 'warning',
        message: `${row.reason}; not sent`,
        file: source.description,
        line: row.line,
      });
      bad.push(row);
    } else {
      batch.push({
        email: row.email,
        ascii: row.ascii,
        fields: row.fields,
        line: row.line,
        messageId: template.messageIdFor(row.email),
      });
    }
    if (batch.length + bad.length >= BATCH) await flush();
  }
  await flush();
  return { loadId, rows, invalid, outcomes };
}

/** A merge tag without a fallback must name a column: checked before anything is sent. */
function checkColumns(
  columns: string[],
  rendered: RenderedIssue,
  display: string,
  onNotice: ((d: Diagnostic) => void) | undefined,
): void {
  const have = new Set(columns);
  const missing = rendered.mergeTags.filter((t) => t.column && !have.has(t.column));
  for (const t of missing.filter((t) => t.fallback !== undefined)) {
    onNotice?.({
      code: 'send/missing-column',
      severity: 'warning',
      message: `${display} has no \`${t.column}\` column; every subscriber gets "${t.fallback}"`,
      file: t.file ?? 'template',
      line: t.line ?? 1,
    });
  }
  const fatal = missing.find((t) => t.fallback === undefined);
  if (fatal) {
    const names = [...new Set(missing.filter((t) => t.fallback === undefined).map((t) => t.column))].join('`, `');
    throw new GazetteError(`the issue uses {{subscriber.${fatal.column}}} but ${display} has no \`${names}\` column`, {
      code: 'send/missing-column',
      file: fatal.file,
      line: fatal.line,
      field: `subscriber.${fatal.column}`,
      hint: `Add the column to the list (its columns are: ${columns.join(', ')}), or give the tag a fallback: {{subscriber.${fatal.column} | default: "..."}}. Nothing was sent.`,
    });
  }
}
