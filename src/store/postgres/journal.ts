import type { Pool } from 'pg';
import {
  type ClaimedRowData,
  type ClaimRef,
  claimedRows,
  countsFrom,
  type Journal,
  type JournalCounts,
  type JournalRow,
  type NewRecipient,
  type Outcome,
  type RunEntry,
  type Waiting,
  type WorkerIdentity,
  type WorkerStats,
  type WorkerStatus,
  FLUSH_DELAY_MS,
} from '../journal.js';
import { transaction } from './connect.js';
import { addInvalid, addRecipients } from './load.js';
import { writeOutcomes } from './outcomes.js';

// The journal in PostgreSQL, shared by every worker on every machine. Claims take rows with
// FOR UPDATE SKIP LOCKED (workers never wait on each other's rows); entering a run takes a
// per-issue advisory lock for the length of one short transaction.

/** How many loaded rows between two ANALYZEs of the journal (each ~150 ms on a 1M-row table). */
const ANALYZE_EVERY_ROWS = 50_000;

const CODE = `COALESCE(smtp_code::text, error_code, 'unknown')`;
const RETURNING = `RETURNING j.id, j.email, j.ascii, j.fields, j.message_id AS "messageId", j.attempts,
  j.run_attempts AS "runAttempts", j.lease_token AS token,
  EXISTS (SELECT 1 FROM suppressions s WHERE s.email = j.email) AS suppressed`;

export class PostgresJournal implements Journal {
  private buffer: { ref: ClaimRef; outcome: Outcome }[] = [];
  private scheduled = false;
  private writing = 0;
  private flushing: Promise<void> = Promise.resolve();
  /** Rows this journal loaded since it last refreshed the table's statistics (addRecipients). */
  private loadedSinceAnalyze = 0;

  constructor(private readonly pool: Pool) {}

  async enterRun(issue: string, w: WorkerIdentity, leaseMs: number): Promise<RunEntry> {
    return transaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('gazette-send:' || $1))`, [issue]);
      const at = Date.now();
      const live = await c.query(
        `SELECT l.id, l.loaded_by AS "loadedBy", l.source FROM send_loads l WHERE l.issue = $1 AND EXISTS (
           SELECT 1 FROM send_workers w WHERE w.load_id = l.id AND NOT w.done AND w.heartbeat_until > $2)
         ORDER BY l.id DESC LIMIT 1`,
        [issue, at],
      );
      const found = live.rows[0] as { id: number; loadedBy: string; source: string } | undefined;
      const loadId = found
        ? found.id
        : ((
            await c.query(
              `INSERT INTO send_loads (issue, state, loaded_by, source) VALUES ($1, 'loading', $2, $3) RETURNING id`,
              [issue, w.owner, w.source],
            )
          ).rows[0].id as number);
      await c.query(
        `INSERT INTO send_workers (owner, issue, load_id, host, pid, started_at, heartbeat_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner) DO UPDATE SET load_id = excluded.load_id,
           heartbeat_until = excluded.heartbeat_until, done = false`,
        [w.owner, issue, loadId, w.host, w.pid, at, at + leaseMs],
      );
      return found
        ? { role: 'join', loadId, loadedBy: found.loadedBy ?? '?', source: found.source ?? '?' }
        : { role: 'load', loadId };
    });
  }

  async loadState(loadId: number, owner: string): Promise<'ready' | 'loading' | 'yours'> {
    return transaction(this.pool, async (c) => {
      const r = await c.query(
        `SELECT l.state, EXISTS (SELECT 1 FROM send_workers w WHERE w.owner = l.loaded_by AND NOT w.done
           AND w.heartbeat_until > $2) AS alive FROM send_loads l WHERE l.id = $1 FOR UPDATE`,
        [loadId, Date.now()],
      );
      const l = r.rows[0] as { state: string; alive: boolean };
      if (l.state === 'ready') return 'ready';
      if (l.alive) return 'loading';
      await c.query('UPDATE send_loads SET loaded_by = $1 WHERE id = $2', [owner, loadId]);
      return 'yours';
    });
  }

  async finishLoad(loadId: number): Promise<void> {
    await this.pool.query(`UPDATE send_loads SET state = 'ready' WHERE id = $1`, [loadId]);
  }

  async addRecipients(issue: string, loadId: number, rows: NewRecipient[]) {
    const outcomes = await addRecipients(this.pool, issue, loadId, rows);
    // The table grows by the whole list before anything autovacuum would notice; with stale
    // statistics the planner scanned all of it for each batch's lookup (a 1M-row list took
    // minutes to load, each batch slower than the last). Fresh statistics keep it an index probe.
    this.loadedSinceAnalyze += rows.length;
    if (this.loadedSinceAnalyze >= ANALYZE_EVERY_ROWS) {
      this.loadedSinceAnalyze = 0;
      await this.pool.query('ANALYZE send_journal');
    }
    return outcomes;
  }

  addInvalid(issue: string, loadId: number, rows: { line: number; raw: string; reason: string }[]) {
    return addInvalid(this.pool, issue, loadId, rows);
  }

  async claim(issue: string, loadId: number, owner: string, limit: number, leaseMs: number): Promise<JournalRow[]> {
    await this.flush();
    const at = Date.now();
    // Pending rows first, in id order, straight from the index; then the few that are due for
    // a retry or whose lease ran out. Two statements keep each one an index range scan.
    const take = async (where: string, n: number) =>
      (
        await this.pool.query(
          `WITH c AS (SELECT id FROM send_journal WHERE issue = $1 AND load_id = $2 AND ${where}
             ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED), t AS (SELECT nextval('send_lease_token') AS token)
           UPDATE send_journal j SET state = 'sending', lease_owner = $5, lease_until = $6,
             lease_token = (SELECT token FROM t), updated_at = now() FROM c WHERE j.id = c.id ${RETURNING}`,
          [issue, loadId, at, n, owner, at + leaseMs],
        )
      ).rows as ClaimedRowData[];
    let rows = await take(`state = 'pending' AND $3::bigint IS NOT NULL`, limit);
    if (rows.length < limit)
      rows = rows.concat(
        await take(
          `((state = 'failed' AND permanent = false AND not_before <= $3)
            OR (state = 'sending' AND (lease_until IS NULL OR lease_until < $3)))`,
          limit - rows.length,
        ),
      );
    return claimedRows(rows);
  }

  record(ref: ClaimRef, outcome: Outcome): void {
    this.buffer.push({ ref, outcome });
    this.schedule();
  }

  /**
   * Outcomes recorded within FLUSH_DELAY_MS share one write (the send loop flushes sooner); a
   * failed write keeps its outcomes and tries again in a second.
   */
  private schedule(delay = FLUSH_DELAY_MS): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.flush().catch(() => this.schedule(1000));
    }, delay);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.write());
    return this.flushing;
  }

  unflushed(): number {
    return this.buffer.length + this.writing;
  }

  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = batch.length;
    try {
      await writeOutcomes(this.pool, batch);
    } catch (err) {
      this.buffer = batch.concat(this.buffer);
      throw err;
    } finally {
      this.writing = 0;
    }
  }

  async release(refs: ClaimRef[]): Promise<void> {
    await this.flush();
    if (refs.length === 0) return;
    await this.pool.query(
      `UPDATE send_journal j SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = now()
       FROM unnest($1::int[], $2::bigint[]) AS t(id, token)
       WHERE j.id = t.id AND j.lease_token = t.token AND j.state = 'sending'`,
      [refs.map((r) => r.id), refs.map((r) => r.token)],
    );
  }

  async heartbeat(owner: string, leaseMs: number, stats: WorkerStats): Promise<void> {
    const until = Date.now() + leaseMs;
    await transaction(this.pool, async (c) => {
      await c.query(
        'UPDATE send_workers SET heartbeat_until = $1, sent = $2, failed = $3, in_flight = $4 WHERE owner = $5',
        [until, stats.sent, stats.failed, stats.inFlight, owner],
      );
      await c.query(`UPDATE send_journal SET lease_until = $1 WHERE lease_owner = $2 AND state = 'sending'`, [
        until,
        owner,
      ]);
    });
  }

  async leaveRun(owner: string, stats: WorkerStats): Promise<void> {
    await this.flush();
    await this.pool.query(
      'UPDATE send_workers SET done = true, sent = $1, failed = $2, in_flight = 0 WHERE owner = $3',
      [stats.sent, stats.failed, owner],
    );
  }

  async reserveSlots(relay: string, n: number, intervalMs: number): Promise<number> {
    const r = await this.pool.query(
      `INSERT INTO send_rate (relay, next_at, paused_until) VALUES ($1, $2::float8 + $3::float8, 0)
       ON CONFLICT (relay) DO UPDATE SET next_at = GREATEST(send_rate.next_at, $2::float8, send_rate.paused_until) + $3::float8
       RETURNING next_at - $3::float8 AS first`,
      [relay, Date.now(), n * intervalMs],
    );
    return Number(r.rows[0].first);
  }

  async pauseRelay(relay: string, untilMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO send_rate (relay, next_at, paused_until) VALUES ($1, 0, $2)
       ON CONFLICT (relay) DO UPDATE SET paused_until = GREATEST(send_rate.paused_until, $2::float8)`,
      [relay, untilMs],
    );
  }

  async expireWorker(owner: string): Promise<void> {
    await transaction(this.pool, async (c) => {
      await c.query('UPDATE send_workers SET heartbeat_until = 0, done = true WHERE owner = $1', [owner]);
      await c.query(`UPDATE send_journal SET lease_until = 0 WHERE lease_owner = $1 AND state = 'sending'`, [owner]);
    });
  }

  async counts(issue: string, loadId: number): Promise<JournalCounts> {
    const r = await this.pool.query(
      `SELECT state, permanent, COUNT(*)::int AS n FROM send_journal WHERE issue = $1 AND load_id = $2
       GROUP BY state, permanent`,
      [issue, loadId],
    );
    return countsFrom(r.rows);
  }

  async failuresByCode(issue: string, loadId: number): Promise<Record<string, number>> {
    const r = await this.pool.query(
      `SELECT ${CODE} AS code, COUNT(*)::int AS n FROM send_journal WHERE issue = $1 AND load_id = $2
       AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC`,
      [issue, loadId],
    );
    return Object.fromEntries(r.rows.map((x: { code: string; n: number }) => [x.code, x.n]));
  }

  async waiting(issue: string, loadId: number, owner: string, limit: number): Promise<Waiting> {
    await this.flush();
    const held = await this.pool.query(
      `SELECT COUNT(*)::int AS n FROM send_journal WHERE issue = $1 AND load_id = $2 AND state = 'sending'
       AND lease_owner IS DISTINCT FROM $3 AND lease_until >= $4`,
      [issue, loadId, owner, Date.now()],
    );
    const where = `issue = $1 AND load_id = $2 AND state = 'failed' AND permanent = false AND not_before IS NOT NULL`;
    const retries = await this.pool.query(
      `SELECT email, not_before AS "notBefore", ${CODE} AS code FROM send_journal WHERE ${where}
       ORDER BY not_before LIMIT $3`,
      [issue, loadId, limit],
    );
    const count = await this.pool.query(`SELECT COUNT(*)::int AS n FROM send_journal WHERE ${where}`, [issue, loadId]);
    return { heldByOthers: held.rows[0].n, retries: retries.rows, retryCount: count.rows[0].n };
  }

  async latestLoad(issue: string) {
    const l = await this.pool.query(
      'SELECT id, started_at AS "startedAt" FROM send_loads WHERE issue = $1 ORDER BY id DESC LIMIT 1',
      [issue],
    );
    if (!l.rows[0]) return undefined;
    const at = Date.now();
    const w = await this.pool.query(
      `SELECT owner, host, pid, load_id AS "loadId", started_at AS "startedAt", heartbeat_until AS "heartbeatUntil",
         done, sent, failed, in_flight AS "inFlight" FROM send_workers WHERE load_id = $1 ORDER BY started_at`,
      [l.rows[0].id],
    );
    const workers = (w.rows as Omit<WorkerStatus, 'alive'>[]).map((x) => ({
      ...x,
      alive: !x.done && x.heartbeatUntil > at,
    }));
    return { loadId: l.rows[0].id as number, startedAt: new Date(l.rows[0].startedAt).getTime(), workers };
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
  }
}
