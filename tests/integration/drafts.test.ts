import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecipientSource, sendIssue } from '../../src/index.js';
import type { Transport } from '../../src/send/transport.js';
import { buildSite, sampleRoot, SECRET, markDraft, pathExists } from '../helpers/site.js';

// The sample with one draft issue and one draft article carried by a published issue.
const DRAFT_ISSUE = 'kazakhstan-abraham-accords';
const DRAFT_ARTICLE = 'finals-week-slow-down';
const CARRIER = 'weekly-digest-2025-11-21';

let root: string;
let cleanup: () => Promise<void>;
const dist = (p: string) => path.join(root, 'dist', p);
const exists = pathExists;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await markDraft(root, `content/issues/${DRAFT_ISSUE}.md`);
  await markDraft(root, `content/articles/${DRAFT_ARTICLE}.md`);
  await buildSite(root);
});
afterAll(() => cleanup());

function recorder(): { transport: Transport; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    transport: {
      description: 'recorder',
      async send(m) {
        sent.push(m.email);
        return { ok: true, response: '250 ok' };
      },
      async close() {},
    },
  };
}

const one: RecipientSource = {
  description: 'one address',
  async *rows(onColumns) {
    onColumns?.(['email']);
    yield {
      kind: 'valid',
      email: 'ada@example.net',
      ascii: 'ada@example.net',
      fields: { email: 'ada@example.net' },
      line: 2,
    };
  },
};

describe('drafts', () => {
  it('are built (email, text, web version) but kept out of the archive, the feed and the public pages', async () => {
    expect(await readdir(dist(DRAFT_ISSUE))).toEqual(expect.arrayContaining(['email.html', 'web.html']));
    const archive = await readFile(dist('index.html'), 'utf8');
    const feed = await readFile(dist('feed.xml'), 'utf8');
    expect(archive).toContain(`issues/${CARRIER}/`);
    expect(archive).not.toContain(DRAFT_ISSUE);
    expect(feed).not.toContain(DRAFT_ISSUE);
    expect(await exists(dist(`issues/${DRAFT_ISSUE}/index.html`))).toBe(false);
    // The draft article: no page, not in the feed's article lists.
    expect(await exists(dist(`articles/${DRAFT_ARTICLE}/index.html`))).toBe(false);
    expect(feed).not.toContain(`articles/${DRAFT_ARTICLE}/`);
    expect(await exists(dist('articles/arabic-poetry-evening/index.html'))).toBe(true);
  });

  it('send refuses a draft issue, and an issue carrying a draft article, before sending anything', async () => {
    for (const [issue, pattern] of [
      [DRAFT_ISSUE, /is a draft/],
      [CARRIER, new RegExp(`draft article ${DRAFT_ARTICLE}`)],
    ] as const) {
      const { transport, sent } = recorder();
      const err = await sendIssue({ root, issue, recipients: one, transport, secret: SECRET }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'send/draft', message: expect.stringMatching(pattern) });
      expect(sent).toEqual([]);
    }
  });

  it('a dry run still renders a draft', async () => {
    const { transport, sent } = recorder();
    const outbox = path.join(os.tmpdir(), `gazette-draft-${process.pid}`);
    const report = await sendIssue({ root, issue: DRAFT_ISSUE, recipients: one, transport, outbox, secret: SECRET });
    expect(report.counts.sent).toBe(1);
    expect(sent).toEqual(['ada@example.net']);
  });
});
