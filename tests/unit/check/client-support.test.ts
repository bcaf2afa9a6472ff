import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featuresUsed, outlookView, supportOf, TARGET_CLIENTS } from '../../../src/check/client-support.js';
import { parseEmail } from '../../../src/check/html.js';
import { builtinTemplate, codes, DIGEST, FEATURE, only, sampleFixture, type Fixture } from './fixture.js';

const client = (id: string) => TARGET_CLIENTS.find((c) => c.id === id)!;

describe('email-client support (caniemail data)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
    const header = await builtinTemplate('partials/header.mjml.hbs');
    await fx.write(
      'templates/partials/header.mjml.hbs',
      `${header}\n<mj-text><div style="display:flex;gap:8px"><span>One</span><span>Two</span></div></mj-text>\n`,
    );
  });
  afterAll(() => fx.cleanup());

  it('reads the data for every target client, Outlook.com included', () => {
    expect(supportOf('css-display-flex', client('outlook.windows')).support).toBe('none');
    expect(supportOf('css-display-flex', client('outlook.outlook-com')).support).toBe('full');
    expect(supportOf('css-display-flex', client('gmail.android'))).toMatchObject({
      support: 'partial',
      notes: ['Not supported with non Google accounts.'],
    });
    expect(supportOf('no-such-feature', client('gmail.ios')).support).toBe('unknown');
  });

  it('detects the HTML and CSS features an email uses', () => {
    const used = featuresUsed(
      parseEmail(
        '<!doctype html><html lang="en"><head><style>@media (prefers-color-scheme: dark) { .a:hover > b { color: red !important } }</style></head><body><div style="display:flex;margin-top:4px;color:rgb(0,0,0)"><video></video><img src="https://x.org/a.webp" alt=""></div></body></html>',
      ),
    );
    for (const slug of [
      'html-doctype',
      'html-lang',
      'css-at-media',
      'css-at-media-prefers-color-scheme',
      'css-pseudo-class-hover',
      'css-selector-child',
      'css-important',
      'css-display-flex',
      'css-margin',
      'css-rgb',
      'css-unit-px',
      'html-video',
      'image-webp',
    ]) {
      expect([slug, used.has(slug)]).toEqual([slug, true]);
    }
    expect(used.has('css-display-grid')).toBe(false);
  });

  it('checks Outlook for Windows against what it renders (conditional comments)', () => {
    const html =
      '<body><!--[if mso]><table width="600"><tr><td><![endif]--><!--[if !mso]><!--><div style="display:flex"></div><!--<![endif]--></body>';
    const view = outlookView(html);
    expect(view).toContain('<table width="600">');
    expect(view).not.toContain('display:flex');
  });

  it('warns about a layout feature a target client lacks, naming the clients and the template line', async () => {
    const [flex] = only(await fx.check(FEATURE), 'client/unsupported').filter((d) =>
      d.message.startsWith('display:flex'),
    );
    expect(flex).toMatchObject({ severity: 'warning', file: 'templates/partials/header.mjml.hbs', line: 25 });
    expect(flex!.message).toContain('not supported by Outlook (Windows)');
    expect(flex!.hint).toContain('https://www.caniemail.com/features/css-display-flex/');
  });

  it('gives only notes (no warnings) for the sample, whose unsupported features all degrade gracefully', async () => {
    for (const issue of [FEATURE, DIGEST]) {
      const ds = await fx.check(issue);
      expect(ds.filter((d) => d.code.startsWith('client/')).length).toBeGreaterThan(10);
    }
    const clean = await sampleFixture();
    try {
      for (const issue of [FEATURE, DIGEST]) expect(codes(await clean.check(issue), 'client/')).toEqual([]);
    } finally {
      await clean.cleanup();
    }
  });
});
