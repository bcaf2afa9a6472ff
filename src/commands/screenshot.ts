import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandIo } from './io.js';
import { parseCommandArgs } from './args.js';
import { printDiagnostics, summarize } from './print.js';
import { GazetteError } from '../util/errors.js';

const USAGE = 'gazette screenshot [--root DIR] [--issue SLUG] [--out DIR]';

const HELP = `${USAGE}

Writes full-page PNGs of each issue's email (or one issue's) as the sample subscriber sees it:
<out>/<slug>/mobile-light.png, mobile-dark.png (375 px wide), desktop-light.png and
desktop-dark.png (600 px). Dark is the browser's real prefers-color-scheme: dark. Default out:
<root>/dist/screenshots. Needs Chromium: /usr/bin/chromium, or set CHROMIUM_PATH.
`;

export const SHOTS = [
  { name: 'mobile-light', width: 375, scheme: 'light' },
  { name: 'mobile-dark', width: 375, scheme: 'dark' },
  { name: 'desktop-light', width: 600, scheme: 'light' },
  { name: 'desktop-dark', width: 600, scheme: 'dark' },
] as const;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      issue: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const root = path.resolve(io.cwd, values.root!);
  const out = path.resolve(root, values.out ?? path.join('dist', 'screenshots'));
  const executablePath = await findChromium(io.env);

  // The preview server (not watching) serves the frames: images from content/assets, the
  // sample subscriber's merge tags filled, exactly what the live preview shows.
  const { startPreview } = await import('../preview/server.js');
  const server = await startPreview({ root, port: 0, watch: false, env: io.env });
  let browser: import('playwright-core').Browser | undefined;
  try {
    const result = server.session.result;
    const wanted = values.issue ? result.issues.filter((r) => r.issue.slug === values.issue) : result.issues;
    if (!wanted.length) {
      printDiagnostics(
        result.diagnostics.filter((d) => d.severity === 'error'),
        root,
        io,
      );
      if (values.issue && result.content && !result.content.issues.some((i) => i.slug === values.issue)) {
        throw new GazetteError(`no issue "${values.issue}"`, {
          code: 'build/unknown-issue',
          file: 'content/issues',
          hint: `Issues in this root: ${result.content.issues.map((i) => i.slug).join(', ') || 'none'}.`,
        });
      }
      io.stderr.write(
        `\nNothing to photograph: ${summarize(result.diagnostics)}. Fix the errors above (\`gazette preview\` shows them live).\n`,
      );
      return 1;
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const written: string[] = [];
    // One page for all shots: a new browser context per shot costs more than the shot itself.
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const r of wanted) {
      const dir = path.join(out, r.issue.slug);
      await mkdir(dir, { recursive: true });
      for (const shot of SHOTS) {
        await page.setViewportSize({ width: shot.width, height: 800 });
        await page.emulateMedia({ colorScheme: shot.scheme });
        await page.goto(
          `${server.url}issues/${encodeURIComponent(r.issue.slug)}/frame?part=html&scheme=light&sub=sample`,
          { waitUntil: 'load' },
        );
        const file = path.join(dir, `${shot.name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        written.push(file);
      }
    }
    const rel = (p: string) => (path.relative(io.cwd, p).startsWith('..') ? p : path.relative(io.cwd, p));
    io.stdout.write(`Wrote ${written.length} screenshots:\n${written.map((f) => `  ${rel(f)}`).join('\n')}\n`);
    return 0;
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** Debian's Chromium, or CHROMIUM_PATH; a missing browser is an error that says how to get one. */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidate = env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    await access(candidate, constants.X_OK);
    return candidate;
  } catch {
    throw new GazetteError(`Chromium was not found at ${candidate}`, {
      code: 'screenshot/no-chromium',
      hint: 'Install it with `sudo apt-get install chromium` (Debian, Ubuntu) or `brew install --cask chromium` (macOS), or point CHROMIUM_PATH at a Chrome or Chromium executable.',
    });
  }
}
