import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageTemplate, OutgoingMessage } from '../../src/send/message.js';
import { type SendLoopOptions, sendLoop } from '../../src/send/run.js';
import type { Delivery, Transport } from '../../src/send/transport.js';
import type { LeaseKeeper } from '../../src/send/lease.js';
import type { ClaimRef, Journal, JournalCounts, JournalRow, Outcome } from '../../src/store/journal.js';

// The send loop alone, in-process: a journal in memory, a transport that answers from a script,
// and fake timers, so backoff, pauses and interrupts are checked in milliseconds of real time.

interface Row extends JournalRow {
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'suppressed';
  permanent?: boolean;
  code?: string;
  notBefore?: number;
}

/** The Journal contract in memory, one worker: claims, tokens, retry schedules (fake time). */
class MemoryJournal implements Journal {
  rows: Row[] = [];
  private nextToken = 1;
  constructor(emails: string[]) {
    this.rows = emails.map((email, i) => ({
      id: i + 1,
      email,
      ascii: email,
      fields: { email },
      messageId: `<${i}@test>`,
      attempts: 0,
      runAttempts: 0,
      token: 0,
      suppressed: false,
      state: 'pending',
    }));
  }
  async enterRun() {
    return { role: 'load' as const, loadId: 1 };
  }
  async loadState() {
    return 'ready' as const;
  }
  async finishLoad() {}
  async addRecipients(): Promise<never[]> {
    return [];
  }
  async addInvalid() {}
  async claim(_issue: string, _load: number, _owner: string, limit: number) {
    const now = Date.now();
    const token = this.nextToken++;
    const out = this.rows
      .filter(
        (r) =>
          r.state === 'pending' ||
          (r.state === 'failed' && !r.permanent && r.notBefore !== undefined && r.notBefore <= now),
      )
      .slice(0, limit);
    for (const r of out) {
      r.state = 'sending';
      r.token = token;
    }
    return out.map((r) => ({ ...r }));
  }
  record(ref: ClaimRef, o: Outcome) {
    const r = this.rows.find((x) => x.id === ref.id)!;
    if (o.state !== 'sent' && (r.token !== ref.token || r.state !== 'sending')) return;
    r.state = o.state;
    r.attempts++;
    r.runAttempts++;
    if (o.state === 'failed') {
      r.permanent = o.permanent;
      r.code = String(o.smtpCode ?? o.errorCode);
      r.notBefore = o.notBefore;
    }
  }
  unflushed() {
    return 0;
  }
  async release(refs: ClaimRef[]) {
    for (const ref of refs) {
      const r = this.rows.find((x) => x.id === ref.id)!;
      if (r.token === ref.token && r.state === 'sending') r.state = 'pending';
    }
  }
  async heartbeat() {}
  async leaveRun() {}
  async reserveSlots() {
    return Date.now();
  }
  async pauseRelay() {}
  async expireWorker() {}
  async flush() {}
  async counts(): Promise<JournalCounts> {
    const n = (f: (r: Row) => boolean) => this.rows.filter(f).length;
    return {
      pending: n((r) => r.state === 'pending'),
      sending: n((r) => r.state === 'sending'),
      sent: n((r) => r.state === 'sent'),
      failedPermanent: n((r) => r.state === 'failed' && !!r.permanent),
      failedTemporary: n((r) => r.state === 'failed' && !r.permanent),
      invalid: 0,
      suppressed: n((r) => r.state === 'suppressed'),
    };
  }
  async failuresByCode() {
    return {};
  }
  async waiting() {
    const retries = this.rows
      .filter((r) => r.state === 'failed' && !r.permanent && r.notBefore !== undefined)
      .map((r) => ({ email: r.email, notBefore: r.notBefore!, code: r.code ?? '' }))
      .sort((x, y) => x.notBefore - y.notBefore);
    return { heldByOthers: 0, retries, retryCount: retries.length };
  }
  async latestLoad() {
    return undefined;
  }
  async close() {}
  state(email: string) {
    return this.rows.find((r) => r.email === email)!.state;
  }
}

/** A lease that never lapses: the loop alone is under test. */
const lease = { leaseMs: 60_000, generation: 0, usable: () => true, beat: async () => {} } as unknown as LeaseKeeper;

const template = {
  subject: 'Test',
  from: 'from@example.org',
  columns: [],
  messageIdFor: (e: string) => `<${e}>`,
  compose: (r: { email: string; messageId?: string }): OutgoingMessage => ({
    email: r.email,
    messageId: r.messageId ?? `<${r.email}>`,
    envelope: { from: 'from@example.org', to: r.email },
    raw: Buffer.from('x'),
  }),
} satisfies MessageTemplate;

const OK: Delivery = { ok: true, response: '250 ok' };
const r451: Delivery = { ok: false, kind: 'temporary', smtpCode: 451, response: '451 later' };
const r421: Delivery = { ok: false, kind: 'temporary', smtpCode: 421, response: '421 closing' };
const r550: Delivery = { ok: false, kind: 'permanent', smtpCode: 550, response: '550 no user' };

/** A transport that answers each message after `latencyMs` (fake time) with `answer(email, attempt)`. */
function scripted(answer: (email: string, attempt: number) => Delivery, latencyMs = 10) {
  const log: { email: string; t: number }[] = [];
  const tries = new Map<string, number>();
  const transport: Transport = {
    description: 'scripted',
    send(m) {
      const attempt = (tries.get(m.email) ?? 0) + 1;
      tries.set(m.email, attempt);
      log.push({ email: m.email, t: Date.now() });
      return new Promise((resolve) => setTimeout(() => resolve(answer(m.email, attempt)), latencyMs));
    },
    async close() {},
  };
  return { transport, log };
}

function options(journal: Journal, transport: Transport, extra: Partial<SendLoopOptions> = {}): SendLoopOptions {
  return {
    issue: 'i',
    loadId: 1,
    owner: 'test',
    lease,
    // Retries in these tests fall due within seconds: the loop waits for them.
    lingerMs: 60_000,
    journal,
    template,
    transport,
    isSuppressed: () => false,
    concurrency: 1,
    maxAttempts: 5,
    retryDelayMs: 1000,
    retryCapMs: 60_000,
    pauseAfter: 10,
    ...extra,
  };
}

async function runToEnd<T>(p: Promise<T>): Promise<T> {
  let done = false;
  void p.finally(() => (done = true));
  for (let i = 0; i < 10_000 && !done; i++) await vi.advanceTimersByTimeAsync(5);
  return p;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sendLoop', () => {
  it('retries a temporary failure with exponential backoff, then delivers once', async () => {
    const journal = new MemoryJournal(['a@example.org']);
    const { transport, log } = scripted((_e, attempt) => (attempt <= 2 ? r451 : OK));
    const result = await runToEnd(sendLoop(options(journal, transport)));
    expect(result).toMatchObject({ stop: 'done', sent: 1, failed: 0 });
    expect(log).toHaveLength(3);
    // Equal jitter: the first retry waits 500-1000 ms after the reply, the second 1000-2000 ms.
    const gap1 = log[1]!.t - log[0]!.t - 10;
    const gap2 = log[2]!.t - log[1]!.t - 10;
    expect(gap1).toBeGreaterThanOrEqual(500);
    expect(gap1).toBeLessThanOrEqual(1010);
    expect(gap2).toBeGreaterThanOrEqual(1000);
    expect(gap2).toBeLessThanOrEqual(2010);
    expect(journal.rows[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('gives up on a temporary failure after maxAttempts, leaving it for a later run; never retries a 550', async () => {
    const journal = new MemoryJournal(['t@example.org', 'p@example.org']);
    const { transport, log } = scripted((e) => (e.startsWith('t') ? r451 : r550));
    const result = await runToEnd(sendLoop(options(journal, transport, { maxAttempts: 3 })));
    expect(result).toMatchObject({ stop: 'done', sent: 0, failed: 2 });
    expect(log.filter((x) => x.email === 't@example.org')).toHaveLength(3);
    expect(log.filter((x) => x.email === 'p@example.org')).toHaveLength(1);
    expect(journal.rows.map((r) => [r.state, r.permanent])).toEqual([
      ['failed', false],
      ['failed', true],
    ]);
  });

  it('pauses after N consecutive failures and leaves every address retryable', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `s${i}@example.org`);
    const journal = new MemoryJournal(emails);
    const { transport, log } = scripted(() => r421);
    const result = await runToEnd(sendLoop(options(journal, transport, { pauseAfter: 4, concurrency: 1 })));
    expect(result.stop).toBe('paused');
    expect(result.cause).toMatchObject({ smtpCode: 421 });
    // It stopped early: at most the streak plus what was in flight (concurrency * 2) was tried.
    expect(new Set(log.map((x) => x.email)).size).toBeLessThanOrEqual(6);
    const c = await journal.counts();
    expect(c.failedPermanent).toBe(0);
    expect(c.sent).toBe(0);
    // Untried rows went back to pending: a re-run sends them.
    expect(c.pending + c.failedTemporary).toBe(20);
  });

  it('a success resets the streak: scattered failures never pause', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `m${i}@example.org`);
    const journal = new MemoryJournal(emails);
    const { transport } = scripted((e) => (Number(e.slice(1, e.indexOf('@'))) % 2 ? r550 : OK));
    const result = await runToEnd(sendLoop(options(journal, transport, { pauseAfter: 2 })));
    expect(result).toMatchObject({ stop: 'done', sent: 6, failed: 6 });
  });

  it('on abort, lets in-flight messages finish, starts nothing new and releases the rest', async () => {
    const emails = Array.from({ length: 10 }, (_, i) => `x${i}@example.org`);
    const journal = new MemoryJournal(emails);
    const { transport, log } = scripted(() => OK, 100);
    const stop = new AbortController();
    const p = sendLoop(options(journal, transport, { signal: stop.signal, concurrency: 1 }));
    await vi.advanceTimersByTimeAsync(150); // two in flight at first, then a third
    stop.abort();
    const result = await runToEnd(p);
    expect(result.stop).toBe('interrupted');
    const started = log.length;
    expect(result.sent).toBe(started); // every started message was answered and recorded
    expect(started).toBeLessThan(10);
    const c = await journal.counts();
    expect(c.sent).toBe(started);
    expect(c.pending).toBe(10 - started);
    expect(c.sending).toBe(0);
  });

  it('skips an address suppressed while the run is going (an unsubscribe from `gazette serve`)', async () => {
    const emails = ['first@example.org', 'second@example.org', 'late@example.org', 'last@example.org'];
    const journal = new MemoryJournal(emails);
    const suppressed = new Set<string>();
    const { transport, log } = scripted((e) => {
      if (e === 'first@example.org') suppressed.add('late@example.org');
      return OK;
    }, 50);
    const result = await runToEnd(
      sendLoop(options(journal, transport, { isSuppressed: (e) => suppressed.has(e), concurrency: 1 })),
    );
    expect(result).toMatchObject({ stop: 'done', sent: 3, suppressed: 1 });
    expect(log.map((x) => x.email)).not.toContain('late@example.org');
    expect(journal.state('late@example.org')).toBe('suppressed');
  });

  it('an address unsubscribed while its retry waits is recorded suppressed and never retried', async () => {
    const journal = new MemoryJournal(['soon@example.org', 'other@example.org']);
    const suppressed = new Set<string>();
    const { transport, log } = scripted((e) => {
      if (e === 'soon@example.org') {
        // The unsubscribe arrives between the 451 and the retry.
        suppressed.add(e);
        return r451;
      }
      return OK;
    });
    const result = await runToEnd(sendLoop(options(journal, transport, { isSuppressed: (e) => suppressed.has(e) })));
    expect(result).toMatchObject({ stop: 'done', sent: 1, suppressed: 1, retrying: 0, failed: 0 });
    expect(log.filter((x) => x.email === 'soon@example.org')).toHaveLength(1);
    expect(journal.state('soon@example.org')).toBe('suppressed');
  });

  it('keeps a row whose suppression check fails (store down) and sends it once the check answers', async () => {
    const journal = new MemoryJournal(['a@example.org', 'b@example.org']);
    let failures = 1;
    const storeErrors: unknown[] = [];
    const { transport, log } = scripted(() => OK);
    const result = await runToEnd(
      sendLoop(
        options(journal, transport, {
          isSuppressed: () => {
            if (failures-- > 0) throw new Error('database restarting');
            return false;
          },
          onStoreError: (err) => storeErrors.push(err),
        }),
      ),
    );
    expect(storeErrors).toHaveLength(1);
    expect(result).toMatchObject({ stop: 'done', sent: 2 });
    expect(log.map((x) => x.email).sort()).toEqual(['a@example.org', 'b@example.org']);
  });

  it('caps the backoff at retryCapMs', async () => {
    const journal = new MemoryJournal(['c@example.org']);
    const { transport, log } = scripted((_e, attempt) => (attempt <= 4 ? r451 : OK));
    const result = await runToEnd(
      sendLoop(options(journal, transport, { retryDelayMs: 1000, retryCapMs: 1500, maxAttempts: 6 })),
    );
    expect(result).toMatchObject({ stop: 'done', sent: 1 });
    expect(log).toHaveLength(5);
    // Uncapped, the 4th retry would wait 4-8 s; capped it waits 750-1500 ms (equal jitter), plus
    // the loop's poll for due retries (at most 250 ms).
    for (let i = 1; i < log.length; i++) {
      const gap = log[i]!.t - log[i - 1]!.t - 10;
      expect(gap).toBeGreaterThanOrEqual(i === 1 ? 500 : 750);
      expect(gap).toBeLessThanOrEqual(1500 + 260);
    }
  });

  it('an interrupt during a backoff wait ends the run at once, leaving the retry scheduled', async () => {
    const journal = new MemoryJournal(['w@example.org']);
    const { transport, log } = scripted(() => r451);
    const stop = new AbortController();
    const started = Date.now();
    const p = sendLoop(options(journal, transport, { signal: stop.signal, retryDelayMs: 30_000, retryCapMs: 60_000 }));
    await vi.advanceTimersByTimeAsync(100); // the first attempt was answered 451; the retry is 15-30 s away
    expect(log).toHaveLength(1);
    stop.abort();
    const result = await runToEnd(p);
    expect(result.stop).toBe('interrupted');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(log).toHaveLength(1);
    const row = journal.rows[0]!;
    expect(row).toMatchObject({ state: 'failed', permanent: false });
    expect(row.notBefore! - started).toBeGreaterThanOrEqual(15_000);
    expect(result.waiting.retryCount).toBe(1);
  });

  it('stops the run on a fatal error (bad credentials) without retrying', async () => {
    const journal = new MemoryJournal(['f1@example.org', 'f2@example.org', 'f3@example.org']);
    const fatal: Delivery = { ok: false, kind: 'fatal', errorCode: 'EAUTH', response: '535 bad auth' };
    const { transport, log } = scripted(() => fatal);
    const result = await runToEnd(sendLoop(options(journal, transport, { concurrency: 1 })));
    expect(result.stop).toBe('fatal');
    expect(result.cause).toMatchObject({ errorCode: 'EAUTH' });
    expect(log.length).toBeLessThanOrEqual(2);
  });
});

describe('sendLoop: batched suppression checks and journal writes', () => {
  it('asks the suppression list once per claimed batch, not once per message', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `b${i}@example.org`);
    const journal = new MemoryJournal(emails);
    const { transport, log } = scripted(() => OK, 1);
    const one = vi.fn(() => false);
    const batches: string[][] = [];
    const among = (list: string[]) => {
      batches.push(list);
      return new Set(list.filter((e) => e === 'b7@example.org'));
    };
    const result = await runToEnd(
      sendLoop(options(journal, transport, { concurrency: 5, isSuppressed: one, suppressedAmong: among })),
    );
    expect(result).toMatchObject({ stop: 'done', sent: 29, suppressed: 1 });
    expect(log.map((l) => l.email)).not.toContain('b7@example.org');
    expect(one).not.toHaveBeenCalled();
    expect(batches.flat().filter((e) => e === 'b0@example.org')).toHaveLength(1);
    expect(batches.length).toBeLessThan(5);
  });

  it('an address suppressed after its batch was checked is not sent once the check is a second old', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `s${i}@example.org`);
    const journal = new MemoryJournal(emails);
    // 400 ms a message, one at a time: the last rows of the batch go out seconds after its claim.
    const { transport, log } = scripted(() => OK, 400);
    const suppressed = new Set<string>();
    setTimeout(() => suppressed.add('s6@example.org'), 500);
    const result = await runToEnd(
      sendLoop(
        options(journal, transport, {
          isSuppressed: (e) => suppressed.has(e),
          suppressedAmong: (list) => new Set(list.filter((e) => suppressed.has(e))),
        }),
      ),
    );
    expect(result).toMatchObject({ sent: 7, suppressed: 1 });
    expect(log.map((l) => l.email)).not.toContain('s6@example.org');
    expect(journal.state('s6@example.org')).toBe('suppressed');
  });

  it('writes outcomes in batches, never letting unwritten 250s exceed the in-flight window', async () => {
    const emails = Array.from({ length: 40 }, (_, i) => `w${i}@example.org`);
    const journal = new (class extends MemoryJournal {
      pending = 0;
      flushes: number[] = [];
      maxWindow = 0;
      inFlight = 0;
      override record(ref: ClaimRef, o: Outcome) {
        super.record(ref, o);
        this.pending++;
      }
      override unflushed() {
        return this.pending;
      }
      override async flush() {
        if (this.pending) this.flushes.push(this.pending);
        this.pending = 0;
      }
    })(emails);
    let inFlight = 0;
    let worst = 0;
    const transport: Transport = {
      description: 'counting',
      send() {
        inFlight++;
        worst = Math.max(worst, inFlight + journal.unflushed());
        return new Promise((resolve) =>
          setTimeout(() => {
            inFlight--;
            resolve(OK);
          }, 7),
        );
      },
      async close() {},
    };
    const result = await runToEnd(sendLoop(options(journal, transport, { concurrency: 4 })));
    expect(result).toMatchObject({ stop: 'done', sent: 40 });
    expect(journal.flushes.reduce((a, b) => a + b, 0)).toBe(40);
    // Batches of about half the connections, not one write per reply.
    expect(journal.flushes.length).toBeLessThanOrEqual(22);
    expect(Math.max(...journal.flushes)).toBeGreaterThanOrEqual(2);
    expect(worst).toBeLessThanOrEqual(8);
  });

  it('keeps the connections busy while a batch of outcomes is being written', async () => {
    const emails = Array.from({ length: 60 }, (_, i) => `k${i}@example.org`);
    // Each write takes 8 ms (a slow commit); each message 10 ms.
    const journal = new (class extends MemoryJournal {
      buffered = 0;
      writing = 0;
      override record(ref: ClaimRef, o: Outcome) {
        super.record(ref, o);
        this.buffered++;
      }
      override unflushed() {
        return this.buffered + this.writing;
      }
      override async flush() {
        if (!this.buffered) return;
        this.writing = this.buffered;
        this.buffered = 0;
        await new Promise((r) => setTimeout(r, 8));
        this.writing = 0;
      }
    })(emails);
    let busy = 0;
    const transport: Transport = {
      description: 'slow-commit',
      send() {
        busy++;
        return new Promise((resolve) =>
          setTimeout(() => {
            busy--;
            resolve(OK);
          }, 10),
        );
      },
      async close() {},
    };
    const started = Date.now();
    const result = await runToEnd(sendLoop(options(journal, transport, { concurrency: 4 })));
    expect(result).toMatchObject({ stop: 'done', sent: 60 });
    expect(busy).toBe(0);
    // 60 messages of 10 ms on 4 connections: 150 ms when the writes overlap the sends (fake
    // time, so exact), 245 ms when the loop waits for each write.
    expect(Date.now() - started).toBeLessThan(180);
  });
});
