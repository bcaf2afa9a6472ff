import type { Pool } from 'pg';
import type { ClaimRef, Outcome } from '../journal.js';
import { transaction } from './connect.js';

/**
 * Writes a batch of outcomes in one transaction: one multi-row statement per kind. A batch of one
 * kind (nearly every batch: all 250s) is that one statement alone, atomic by itself: one round
 * trip instead of BEGIN, UPDATE and COMMIT.
 */
export async function writeOutcomes(pool: Pool, batch: { ref: ClaimRef; outcome: Outcome }[]): Promise<void> {
  const sent = batch.filter((b) => b.outcome.state === 'sent');
  const failed = batch.filter((b) => b.outcome.state === 'failed');
  const suppressed = batch.filter((b) => b.outcome.state === 'suppressed');
  const kinds = [sent, failed, suppressed].filter((k) => k.length > 0).length;
  const run = (write: (c: Pick<Pool, 'query'>) => Promise<void>) =>
    kinds === 1 ? write(pool) : transaction(pool, write);
  await run(async (c) => {
    // A 250 counts whoever holds the row now: the message went out.
    if (sent.length)
      await c.query(
        `UPDATE send_journal j SET state = 'sent', attempts = attempts + 1, run_attempts = run_attempts + 1,
               smtp_code = 250, error_code = NULL, response = t.r, permanent = NULL, not_before = NULL,
               lease_owner = NULL, lease_until = NULL, updated_at = now(), sent_at = now()
             FROM unnest($1::int[], $2::text[]) AS t(id, r) WHERE j.id = t.id AND j.state != 'sent'`,
        [sent.map((b) => b.ref.id), sent.map((b) => (b.outcome as { response?: string }).response?.slice(0, 500))],
      );
    if (failed.length) {
      const f = failed.map((b) => b.outcome as Extract<Outcome, { state: 'failed' }>);
      await c.query(
        `UPDATE send_journal j SET state = 'failed', attempts = attempts + 1, run_attempts = run_attempts + 1,
               permanent = t.p, smtp_code = t.s, error_code = t.e, response = t.r, not_before = t.n,
               lease_owner = NULL, lease_until = NULL, updated_at = now()
             FROM unnest($1::int[], $2::bigint[], $3::bool[], $4::int[], $5::text[], $6::text[], $7::bigint[])
               AS t(id, token, p, s, e, r, n)
             WHERE j.id = t.id AND j.lease_token = t.token AND j.state = 'sending'`,
        [
          failed.map((b) => b.ref.id),
          failed.map((b) => b.ref.token),
          f.map((o) => o.permanent),
          f.map((o) => o.smtpCode ?? null),
          f.map((o) => o.errorCode ?? null),
          f.map((o) => o.response?.slice(0, 500) ?? null),
          f.map((o) => (o.permanent ? null : (o.notBefore ?? null))),
        ],
      );
    }
    if (suppressed.length)
      await c.query(
        `UPDATE send_journal j SET state = 'suppressed', lease_owner = NULL, lease_until = NULL, updated_at = now()
             FROM unnest($1::int[], $2::bigint[]) AS t(id, token)
             WHERE j.id = t.id AND j.lease_token = t.token AND j.state = 'sending'`,
        [suppressed.map((b) => b.ref.id), suppressed.map((b) => b.ref.token)],
      );
  });
}
