// The email as Chromium renders it in light and dark mode (prefers-color-scheme emulated): every
// construct an article can hold has text that contrasts with what is really behind it, measured on
// computed styles (WCAG AA, 4.5:1), not on the template's intentions.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { launchChromium } from '../helpers/browser.js';
import { article, issue, makeRoot } from '../helpers/root.js';

const BODY = [
  'A paragraph with `inlineCodeSample` and [a link here](https://news.example.org/more).',
  '',
  '```js',
  'const blockCodeSample = "a line long enough to wrap on a phone, and then some more words";',
  '```',
  '',
  '| Header cell | Other |',
  '|---|---|',
  '| Body cell | [cell link](https://news.example.org/c) |',
  '',
  '> Quoted words with [a quoted link](https://news.example.org/q).',
  '',
  ...[1, 2, 3, 4, 5, 6].map((n) => `${'#'.repeat(n)} Heading level ${n}\n\nText under heading ${n}.\n`),
].join('\n');

/** [label, CSS selector, text the element holds]: what is measured. */
const TARGETS: [string, string, string][] = [
  ['inline code', 'p code', 'inlineCodeSample'],
  ['code block', 'pre', 'blockCodeSample'],
  ['code block text', 'pre code', 'blockCodeSample'],
  ['table header', 'th', 'Header cell'],
  ['table cell', 'td', 'Body cell'],
  ['link in a table', 'td a', 'cell link'],
  ['blockquote', 'blockquote', 'Quoted words'],
  ['link in a quote', 'blockquote a', 'a quoted link'],
  ['link', 'p a', 'a link here'],
  ...[1, 2, 3, 4, 5, 6].map((n): [string, string, string] => [`h${n}`, `h${n}`, `Heading level ${n}`]),
];

let browser: Browser;
let html: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const root = await makeRoot({
    articles: { post: article({}, BODY) },
    issues: { i: issue(['post'], { layout: 'feature' }, 'Hi.') },
  });
  cleanup = root.cleanup;
  const r = await buildIssue({ root: root.root });
  if (!r.issues[0]) throw new Error(`did not build: ${JSON.stringify(r.diagnostics)}`);
  html = r.issues[0].html;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

interface Measured {
  label: string;
  found: boolean;
  color: string;
  background: string;
  ratio: number;
}

async function measure(scheme: 'light' | 'dark'): Promise<Measured[]> {
  const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 375, height: 800 } });
  await context.route(/^https?:/, (route) => route.abort()); // offline: images and fonts stay out
  const page = await context.newPage();
  try {
    await page.setContent(html, { waitUntil: 'domcontentloaded' });
    return await page.evaluate((targets) => {
      const rgb = (c: string): [number, number, number, number] => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return [0, 0, 0, 0];
        const [r, g, b, a] = m[1]!.split(/[\s,/]+/).map(Number);
        return [r!, g!, b!, a ?? 1];
      };
      const luminance = ([r, g, b]: number[]) => {
        const lin = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
      };
      // What is really behind the text: the nearest ancestor with an opaque background.
      const backgroundOf = (el: Element): string => {
        for (let cur: Element | null = el; cur; cur = cur.parentElement) {
          const bg = getComputedStyle(cur).backgroundColor;
          if (rgb(bg)[3] > 0.5) return bg;
        }
        return getComputedStyle(document.documentElement).colorScheme === 'dark'
          ? 'rgb(0, 0, 0)'
          : 'rgb(255, 255, 255)';
      };
      return targets.map(([label, selector, text]) => {
        const el = [...document.querySelectorAll(selector)].find((e) => e.textContent?.includes(text));
        if (!el) return { label, found: false, color: '', background: '', ratio: 0 };
        const color = getComputedStyle(el).color;
        const background = backgroundOf(el);
        const [l1, l2] = [luminance(rgb(color)), luminance(rgb(background))].sort((a, b) => b - a);
        return { label, found: true, color, background, ratio: Math.round(((l1! + 0.05) / (l2! + 0.05)) * 100) / 100 };
      });
    }, TARGETS);
  } finally {
    await context.close();
  }
}

describe('contrast of article constructs in Chromium', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`is at least 4.5:1 for code, tables, quotes, links and h1-h6 in ${scheme} mode`, async () => {
      const measured = await measure(scheme);
      expect(measured.filter((m) => !m.found).map((m) => m.label)).toEqual([]);
      const low = measured.filter((m) => m.ratio < 4.5);
      expect(low, JSON.stringify(measured, null, 1)).toEqual([]);
      if (scheme === 'dark') {
        // Dark mode really applies: the body text is light on a dark background.
        const h6 = measured.find((m) => m.label === 'h6')!;
        expect(luminanceOf(h6.color)).toBeGreaterThan(luminanceOf(h6.background));
      }
    });
  }
});

function luminanceOf(c: string): number {
  const [r, g, b] = (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(/[\s,/]+/).map(Number);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
