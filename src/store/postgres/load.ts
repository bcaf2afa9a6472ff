import type { Pool } from 'pg';
import type { AddOutcome, NewRecipient } from '../journal.js';
import { transaction } from './connect.js';

// Loading a list into the shared journal: one worker at a time per issue (the others wait for
// the load to be `ready`), in batches of multi-row statements (unnest of arrays): a 100k list is
// a few hundred round trips, not 100k.

export async function addRecipients(
  pool: Pool,
  issue: string,
  loadId: number,
  rows: NewRecipient[],
): Promise<AddOutcome[]> {
  if (rows.length === 0) return [];
  return transaction(pool, async (c) => {
    const found = new Map<string, { id: number; state: string; loadId: number }>();
    const existing = await c.query(
      'SELECT id, email, state, load_id AS "loadId" FROM send_journal WHERE issue = $1 AND email = ANY($2::text[])',
      [issue, rows.map((r) => r.email)],
    );
    for (const r of existing.rows) found.set(r.email, r);
    const seen = new Set<string>();
    const fresh: NewRecipient[] = [];
    const adopt: NewRecipient[] = [];
    const adoptIds: number[] = [];
    const adoptSent: number[] = [];
    const outcomes = rows.map((r): AddOutcome => {
      const f = found.get(r.email);
      if (seen.has(r.email) || f?.loadId === loadId) return 'duplicate';
      seen.add(r.email);
      if (!f) {
        fresh.push(r);
        return 'new';
      }
      if (f.state === 'sent') {
        adoptSent.push(f.id);
        return 'already-sent';
      }
      adopt.push(r);
      adoptIds.push(f.id);
      return 'resumed';
    });
    if (fresh.length)
      await c.query(
        `INSERT INTO send_journal (issue, email, ascii, fields, line, message_id, state, load_id)
         SELECT $1, e, a, f, l, m, 'pending', $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
           AS t(e, a, f, l, m)`,
        [
          issue,
          loadId,
          fresh.map((r) => r.email),
          fresh.map((r) => r.ascii),
          fresh.map((r) => JSON.stringify(r.fields)),
          fresh.map((r) => r.line),
          fresh.map((r) => r.messageId),
        ],
      );
    if (adopt.length)
      // A new load retries what an earlier one left: temporary failures now, suppressed rows re-checked.
      await c.query(
        `UPDATE send_journal j SET load_id = $1, fields = t.f, ascii = t.a, line = t.l, run_attempts = 0,
           not_before = CASE WHEN j.state = 'failed' AND j.permanent = false THEN 0 ELSE j.not_before END,
           state = CASE WHEN j.state = 'suppressed' THEN 'pending' ELSE j.state END
         FROM unnest($2::int[], $3::text[], $4::text[], $5::int[]) AS t(id, f, a, l) WHERE j.id = t.id`,
        [
          loadId,
          adoptIds,
          adopt.map((r) => JSON.stringify(r.fields)),
          adopt.map((r) => r.ascii),
          adopt.map((r) => r.line),
        ],
      );
    if (adoptSent.length)
      await c.query('UPDATE send_journal SET load_id = $1 WHERE id = ANY($2::int[])', [loadId, adoptSent]);
    return outcomes;
  });
}

export async function addInvalid(
  pool: Pool,
  issue: string,
  loadId: number,
  rows: { line: number; raw: string; reason: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO send_journal (issue, email, ascii, fields, line, state, response, load_id)
     SELECT $1, e, '', f, l, 'invalid', r, $2 FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) AS t(e, f, l, r)
     ON CONFLICT (issue, email) DO UPDATE SET fields = excluded.fields, response = excluded.response,
       load_id = excluded.load_id, updated_at = now()`,
    [
      issue,
      loadId,
      rows.map((r) => `#${r.line}`),
      rows.map((r) => JSON.stringify({ email: r.raw })),
      rows.map((r) => r.line),
      rows.map((r) => r.reason),
    ],
  );
}
