// From a dry-run .eml to the confirmation page, in Chromium: the unsubscribe link of a real
// message opens the page, a GET changes nothing, the button unsubscribes.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFill } from '../../src/render/merge.js';
import { openDatabase } from '../../src/store/db.js';
import { SuppressionList } from '../../src/store/suppression.js';
import { signToken, unsubscribeUrl } from '../../src/util/token.js';
import { envWith, runCli } from '../helpers/cli.js';
import { launchChromium } from '../helpers/browser.js';
import { servedSample, type Served } from '../helpers/http.js';
import { SECRET } from '../helpers/site.js';

const ISSUE = 'weekly-digest-2025-11-21';
const READER = 'dana.reader@example.com';
const ENDPOINT = 'https://www.thegazelle.org/newsletter/unsubscribe';

let root: string;
let served: Served & { root: string };
let browser: Browser;

beforeAll(async () => {
  served = await servedSample();
  root = served.root;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

/**
 * The .eml of one recipient from `gazette send --dry-run DIR`. `send` is built on its own branch:
 * until it is merged, this falls back to composing the message here from the built issue, with
 * the same per-recipient link and headers (RFC 8058) that `send` must produce.
 */
async function dryRunEml(): Promise<{ eml: Buffer; source: 'cli' | 'fallback' }> {
  const csv = path.join(root, 'one.csv');
  await writeFile(csv, `email,name\n${READER},Dana\n`);
  const out = path.join(root, 'dry-run');
  const r = await runCli(
    ['send', '--issue', ISSUE, '--to', csv, '--root', root, '--dry-run', out, '--yes'],
    envWith({ GAZETTE_SECRET: SECRET }),
  );
  if (!r.stderr.includes('[cli/not-implemented]')) {
    expect(r.code, r.stderr).toBe(0);
    const files = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    return { eml: await readFile(path.join(out, files[0]!)), source: 'cli' };
  }
  await mkdir(out, { recursive: true });
  const url = unsubscribeUrl(ENDPOINT, signToken({ email: READER, issue: ISSUE }, SECRET));
  const html = compileFill(await readFile(path.join(root, 'dist', ISSUE, 'email.html'), 'utf8'), 'html').fill(
    { email: READER, name: 'Dana' },
    url,
  );
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail({
    from: 'The Gazelle <newsletter@thegazelle.org>',
    to: READER,
    subject: 'This week',
    html,
    list: { unsubscribe: [{ url, comment: 'Unsubscribe' }, 'mailto:unsubscribe@thegazelle.org'] },
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  return { eml: info.message as Buffer, source: 'fallback' };
}

function isSuppressed(email: string): boolean {
  const db = openDatabase(root);
  try {
    return new SuppressionList(db).has(email);
  } finally {
    db.close();
  }
}

describe('unsubscribe from an email, in Chromium', () => {
  it('opens the page from the link in the .eml, clicks the button and sees the confirmation', async () => {
    const { eml } = await dryRunEml();
    const mail = await simpleParser(eml);
    const header = mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const fromHeader = /<(https:[^>]+)>/.exec(header.replace(/\r?\n\s+/g, ' '))?.[1];
    const fromHtml = /<a href="(https:[^"]+\/newsletter\/unsubscribe\?[^"]+)"/
      .exec(String(mail.html))?.[1]
      ?.replace(/&amp;/g, '&');
    expect(fromHeader).toBeTruthy();
    expect(fromHtml).toBe(fromHeader);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toMatch(
      /^List-Unsubscribe-Post:\s*List-Unsubscribe=One-Click$/i,
    );

    // Same path and token, on the local server instead of the publication's site.
    const link = new URL(fromHeader!);
    const local = `${served.url}${link.pathname}${link.search}`;

    const page = await browser.newPage();
    try {
      await page.goto(local);
      expect(await page.locator('h1').textContent()).toBe('Unsubscribe from The Gazelle?');
      expect(await page.locator('main').textContent()).toContain('d***@example.com');
      expect(isSuppressed(READER)).toBe(false); // opening the page (a GET) changes nothing

      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      // Same URL before and after (no redirect): wait for the new page's heading, not for a URL.
      await page.locator('h1', { hasText: 'You are unsubscribed' }).waitFor({ timeout: 15_000 });
      expect(page.url()).toBe(local); // no redirect
      expect(isSuppressed(READER)).toBe(true);

      await page.getByRole('button', { name: 'Resubscribe' }).click();
      await page.locator('h1', { hasText: 'You are subscribed again' }).waitFor({ timeout: 15_000 });
      expect(isSuppressed(READER)).toBe(false);
    } finally {
      await page.close();
    }
  });
});
