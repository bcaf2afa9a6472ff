import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, gazette, ISSUE, makeRoot, startSink, type Sink } from '../helpers/send.js';

// The sender is killed with SIGKILL at several points of a run, then re-run: the union of what
// arrived covers everyone, and a duplicate can only be a message that was in flight at the kill,
// carrying the same Message-ID as its first copy.

let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
  sink = await startSink({ dir: root, delay: 5 });
});
afterAll(async () => {
  await sink.stop();
  await cleanup();
});

describe('gazette send after SIGKILL', () => {
  it('resumes without skipping anyone and re-sends at most the in-flight messages, with the same Message-ID', async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `crash${i}@example.org`);
    const file = path.join(root, 'crash.csv');
    await writeFile(file, csvOf(emails));
    const concurrency = 3;
    const args = [
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      file,
      '--smtp',
      sink.url,
      '--yes',
      '--concurrency',
      String(concurrency),
    ];

    const killPoints = [1, 40, 150, 260];
    for (const k of killPoints) {
      const before = sink.deliveries.length;
      const r = await gazette(args, {
        onStart: (child) => {
          void sink.waitFor(before + (k - (killPoints[killPoints.indexOf(k) - 1] ?? 0)), 30_000).then(
            () => child.kill('SIGKILL'),
            () => child.kill('SIGKILL'),
          );
        },
      });
      expect(r.signal).toBe('SIGKILL');
    }
    const final = await gazette(args);
    expect(final.code, final.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 100));

    const byAddress = new Map<string, string[]>();
    for (const d of sink.deliveries) byAddress.set(d.to[0]!, [...(byAddress.get(d.to[0]!) ?? []), d.messageId!]);
    expect([...byAddress.keys()].sort()).toEqual([...emails].sort());
    const duplicates = [...byAddress.values()].filter((ids) => ids.length > 1);
    for (const ids of duplicates) expect(new Set(ids).size).toBe(1);
    // At most the messages in flight at each kill (the sender keeps concurrency * 2 in flight).
    expect(sink.deliveries.length - emails.length).toBeLessThanOrEqual(killPoints.length * concurrency * 2);
    // And the final run reports everyone sent in the end.
    expect(final.stdout).toMatch(/failed:\s+0 permanently, 0 temporarily/);
  }, 120_000); // five real processes, each building the issue: slow on a loaded machine
});

describe('gazette send on Ctrl-C', () => {
  it('finishes the messages in flight, stops with exit 1, and a re-run sends the rest with no duplicate', async () => {
    const slow = await startSink({ dir: root, delay: 20 });
    try {
      const emails = Array.from({ length: 120 }, (_, i) => `int${i}@example.org`);
      const file = path.join(root, 'interrupt.csv');
      await writeFile(file, csvOf(emails));
      const args = [
        'send',
        '--root',
        root,
        '--issue',
        'weekly-digest-2025-11-21',
        '--to',
        file,
        '--smtp',
        slow.url,
        '--yes',
        '--concurrency',
        '2',
      ];
      const r = await gazette(args, { onStart: (child) => void slow.waitFor(10).then(() => child.kill('SIGINT')) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Stopped. Re-run the same command to resume');
      expect(r.stdout).toMatch(/not sent yet: \d+/);
      const sentFirst = Number(/sent:\s+(\d+)/.exec(r.stdout)![1]);
      expect(sentFirst).toBeLessThan(120);
      const again = await gazette(args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`already sent: ${sentFirst}\\b`));
      const to = slow.deliveries.flatMap((d) => d.to);
      expect(to.length).toBe(120);
      expect(new Set(to).size).toBe(120);
    } finally {
      await slow.stop();
    }
  }, 120_000);
});
