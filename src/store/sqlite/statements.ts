import type Database from 'better-sqlite3';
import type { Db } from '../db.js';

/** Rows a claim may take: pending, due for a retry, or held under a lease that ran out. */
const CLAIMABLE = `(state = 'pending'
  OR (state = 'failed' AND permanent = 0 AND not_before <= ?)
  OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?)))`;

const CODE = `COALESCE(CAST(smtp_code AS TEXT), error_code, 'unknown')`;

const SQL = {
  liveLoad: `SELECT l.id, l.loaded_by AS loadedBy, l.source FROM send_loads l WHERE l.issue = ? AND EXISTS (
        SELECT 1 FROM send_workers w WHERE w.load_id = l.id AND w.done = 0 AND w.heartbeat_until > ?)
      ORDER BY l.id DESC LIMIT 1`,
  newLoad: `INSERT INTO send_loads (issue, started_at, state, loaded_by, source) VALUES (?, ?, 'loading', ?, ?)`,
  addWorker: `INSERT INTO send_workers (owner, issue, load_id, host, pid, started_at, heartbeat_until)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET load_id = excluded.load_id,
      heartbeat_until = excluded.heartbeat_until, done = 0`,
  loadInfo: `SELECT l.state, EXISTS (SELECT 1 FROM send_workers w WHERE w.owner = l.loaded_by AND w.done = 0
      AND w.heartbeat_until > ?) AS loaderAlive FROM send_loads l WHERE l.id = ?`,
  takeLoad: `UPDATE send_loads SET loaded_by = ? WHERE id = ?`,
  loadReady: `UPDATE send_loads SET state = 'ready' WHERE id = ?`,
  find: 'SELECT id, state, load_id AS loadId FROM send_journal WHERE issue = ? AND email = ?',
  insert: `INSERT INTO send_journal (issue, email, ascii, fields, line, message_id, state, load_id, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  // A new load retries what an earlier one left: temporary failures now, suppressed rows re-checked.
  adopt: `UPDATE send_journal SET load_id = ?, fields = ?, ascii = ?, line = ?, run_attempts = 0,
      not_before = CASE WHEN state = 'failed' AND permanent = 0 THEN 0 ELSE not_before END,
      state = CASE WHEN state = 'suppressed' THEN 'pending' ELSE state END WHERE id = ?`,
  adoptSent: 'UPDATE send_journal SET load_id = ? WHERE id = ?',
  invalid: `INSERT INTO send_journal (issue, email, ascii, fields, line, state, response, load_id, updated_at)
      VALUES (?, ?, '', ?, ?, 'invalid', ?, ?, ?) ON CONFLICT (issue, email) DO UPDATE SET fields = excluded.fields,
      response = excluded.response, load_id = excluded.load_id, updated_at = excluded.updated_at`,
  nextToken: `UPDATE send_sequence SET n = n + 1 WHERE name = 'lease_token' RETURNING n`,
  claim: `UPDATE send_journal SET state = 'sending', lease_owner = ?, lease_until = ?, lease_token = ?, updated_at = ?
      WHERE id IN (SELECT id FROM send_journal WHERE issue = ? AND load_id = ? AND ${CLAIMABLE} ORDER BY id LIMIT ?)
      RETURNING id, email, ascii, fields, message_id AS messageId, attempts, run_attempts AS runAttempts,
        lease_token AS token, EXISTS (SELECT 1 FROM suppressions s WHERE s.email = send_journal.email) AS suppressed`,
  // A 250 counts whoever holds the row now: the message went out.
  sent: `UPDATE send_journal SET state = 'sent', attempts = attempts + 1, run_attempts = run_attempts + 1,
      smtp_code = 250, error_code = NULL, response = ?, permanent = NULL, not_before = NULL, lease_owner = NULL,
      lease_until = NULL, updated_at = ?, sent_at = ? WHERE id = ? AND state != 'sent'`,
  failed: `UPDATE send_journal SET state = 'failed', attempts = attempts + 1, run_attempts = run_attempts + 1,
      permanent = ?, smtp_code = ?, error_code = ?, response = ?, not_before = ?, lease_owner = NULL, lease_until = NULL,
      updated_at = ? WHERE id = ? AND lease_token = ? AND state = 'sending'`,
  suppressed: `UPDATE send_journal SET state = 'suppressed', lease_owner = NULL, lease_until = NULL, updated_at = ?
      WHERE id = ? AND lease_token = ? AND state = 'sending'`,
  release: `UPDATE send_journal SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = ?
      WHERE id = ? AND lease_token = ? AND state = 'sending'`,
  beat: `UPDATE send_workers SET heartbeat_until = ?, sent = ?, failed = ?, in_flight = ? WHERE owner = ?`,
  renew: `UPDATE send_journal SET lease_until = ? WHERE lease_owner = ? AND state = 'sending'`,
  reserve: `INSERT INTO send_rate (relay, next_at, paused_until) VALUES (@relay, @now + @span, 0)
    ON CONFLICT (relay) DO UPDATE SET next_at = max(next_at, @now, paused_until) + @span RETURNING next_at - @span`,
  pauseRelay: `INSERT INTO send_rate (relay, next_at, paused_until) VALUES (@relay, 0, @until)
    ON CONFLICT (relay) DO UPDATE SET paused_until = max(paused_until, @until)`,
  expireWorker: `UPDATE send_workers SET heartbeat_until = 0, done = 1 WHERE owner = ?`,
  expireRows: `UPDATE send_journal SET lease_until = 0 WHERE lease_owner = ? AND state = 'sending'`,
  leave: `UPDATE send_workers SET done = 1, sent = ?, failed = ?, in_flight = 0 WHERE owner = ?`,
  counts: `SELECT state, permanent, COUNT(*) AS n FROM send_journal WHERE issue = ? AND load_id = ?
      GROUP BY state, permanent`,
  byCode: `SELECT ${CODE} AS code, COUNT(*) AS n FROM send_journal WHERE issue = ? AND load_id = ?
      AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC`,
  held: `SELECT COUNT(*) FROM send_journal WHERE issue = ? AND load_id = ? AND state = 'sending'
      AND lease_owner IS NOT ? AND lease_until >= ?`,
  retries: `SELECT email, not_before AS notBefore, ${CODE} AS code FROM send_journal WHERE issue = ? AND load_id = ?
      AND state = 'failed' AND permanent = 0 AND not_before IS NOT NULL ORDER BY not_before LIMIT ?`,
  retryCount: `SELECT COUNT(*) FROM send_journal WHERE issue = ? AND load_id = ? AND state = 'failed'
      AND permanent = 0 AND not_before IS NOT NULL`,
  latest: 'SELECT id, started_at AS startedAt FROM send_loads WHERE issue = ? ORDER BY id DESC LIMIT 1',
  workers: `SELECT owner, host, pid, load_id AS loadId, started_at AS startedAt, heartbeat_until AS heartbeatUntil,
      done, sent, failed, in_flight AS inFlight FROM send_workers WHERE load_id = ? ORDER BY started_at`,
};

export function sqliteStatements(db: Db): Record<keyof typeof SQL, Database.Statement> {
  return Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<
    keyof typeof SQL,
    Database.Statement
  >;
}
