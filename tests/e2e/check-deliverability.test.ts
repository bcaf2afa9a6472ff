import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { compileFill } from '../../src/render/merge.js';
import type { RenderedIssue } from '../../src/types.js';
import { composeEml } from './helpers/eml.js';

// The sample issues as a mail provider and a screen reader meet them: the full message scored by
// SpamAssassin (local tests only, no network), and the email audited by axe-core in Chromium at
// phone width. `.ci/run` installs spamassassin and chromium from Debian.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const READER = { email: 'ann.reader@example.org', name: 'Ann Reader' };

let issues: RenderedIssue[];
beforeAll(async () => {
  const result = await buildIssue({ root: ROOT });
  expect(result.ok).toBe(true);
  issues = result.issues;
  expect(issues.length).toBe(2);
});

interface SpamReport {
  score: number;
  rules: string[];
}

async function spamassassin(eml: Buffer, home: string): Promise<SpamReport> {
  const out = await new Promise<string>((resolve, reject) => {
    // HOME: spamassassin writes a user_prefs file there on first run.
    const child = execFile(
      'spamassassin',
      ['-L', '-t'],
      { env: { ...process.env, HOME: home }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    child.stdin!.end(eml);
  });
  const status = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+)/m.exec(out);
  if (!status) throw new Error(`no X-Spam-Status in spamassassin output:\n${out.slice(0, 2000)}`);
  const details = out.slice(out.indexOf('Content analysis details'));
  const rules = [...details.matchAll(/^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s/gm)].map((m) => `${m[2]} ${m[1]}`);
  return { score: Number(status[1]), rules };
}

describe('SpamAssassin (local mode)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'gazette-sa-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('scores each sample issue, as sent to one reader, at 0 or less', async () => {
    for (const r of issues) {
      const eml = await composeEml(r, READER);
      expect(eml.toString()).toMatch(
        /^List-Unsubscribe:\s+<https:\/\/www\.thegazelle\.org\/newsletter\/unsubscribe\?token=/m,
      );
      const report = await spamassassin(eml, home);
      console.log(`spamassassin ${r.issue.slug}: score ${report.score} (${report.rules.join(', ')})`);
      expect(report.score, `${r.issue.slug}: ${report.rules.join(', ')}`).toBeLessThanOrEqual(0);
    }
  });
});

describe('axe-core in Chromium at 375 px', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(() => browser?.close());

  it('finds no serious or critical violation in either sample email', async () => {
    for (const r of issues) {
      const html = compileFill(r.html, 'html').fill(
        { email: READER.email, name: READER.name },
        'https://www.thegazelle.org/newsletter/unsubscribe?token=t',
      );
      const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
      try {
        // Images live on the publication's site; the test never leaves this machine.
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'domcontentloaded' });
        await page.addScriptTag({ path: AXE });
        const results = await page.evaluate(async () => {
          const axe = (
            globalThis as unknown as {
              axe: {
                run: (ctx: Document) => Promise<{
                  violations: { id: string; impact: string; nodes: unknown[]; help: string }[];
                  passes: unknown[];
                }>;
              };
            }
          ).axe;
          const res = await axe.run(document);
          return {
            violations: res.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              nodes: v.nodes.length,
              help: v.help,
            })),
            passes: res.passes.length,
          };
        });
        console.log(
          `axe ${r.issue.slug}: ${results.passes} rules passed; violations: ${JSON.stringify(results.violations)}`,
        );
        const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(severe, r.issue.slug).toEqual([]);
        // The page really is phone width (MJML's mobile layout).
        expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(375);
      } finally {
        await page.close();
      }
    }
  });
});
