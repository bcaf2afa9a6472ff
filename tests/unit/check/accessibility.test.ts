import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinTemplate,
  codes,
  DIGEST,
  FEATURE,
  FEATURE_ARTICLE,
  only,
  sampleFixture,
  type Fixture,
} from './fixture.js';

describe('accessibility rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
  });
  afterAll(() => fx.cleanup());

  it('passes the sample issues (lang, rtl article, headings, contrast, sizes)', async () => {
    for (const issue of [FEATURE, DIGEST]) expect(codes(await fx.check(issue), 'a11y/')).toEqual([]);
  });

  it('requires lang on <html>', async () => {
    const layout = await builtinTemplate('layouts/feature.mjml.hbs');
    await fx.write(
      'templates/layouts/feature.mjml.hbs',
      layout.replace('<mjml lang="{{issue.lang}}" dir="{{issue.dir}}">', '<mjml>'),
    );
    try {
      expect(only(await fx.check(FEATURE), 'a11y/html-lang')).toMatchObject([
        {
          severity: 'error',
          file: 'templates/layouts/feature.mjml.hbs',
          message: '<html> has lang="und" (undetermined)',
        },
      ]);
    } finally {
      await fx.write('templates/layouts/feature.mjml.hbs', layout);
    }
  });

  it('requires dir="rtl" for a right-to-left article', async () => {
    const file = 'content/articles/arabic-poetry-evening.md';
    const original = await fx.read(file);
    try {
      await fx.edit(file, 'lang: ar\n', 'lang: ar\ndir: ltr\n');
      expect(only(await fx.check(DIGEST), 'a11y/rtl-dir')).toMatchObject([{ severity: 'error', file, line: 5 }]);
    } finally {
      await fx.write(file, original);
    }
  });

  it('warns when headings skip a level, at the Markdown line', async () => {
    const original = await fx.read(FEATURE_ARTICLE);
    try {
      await fx.edit(FEATURE_ARTICLE, /\n---\n/, '\n---\n\n#### Background in brief\n\nSome text.\n');
      expect(only(await fx.check(FEATURE), 'a11y/heading-order')).toMatchObject([
        {
          severity: 'warning',
          file: FEATURE_ARTICLE,
          line: 18,
          message: 'heading "Background in brief" (h4) skips a level after an h1',
        },
      ]);
    } finally {
      await fx.write(FEATURE_ARTICLE, original);
    }
  });

  it('flags text below WCAG AA contrast, pointing at accentColor', async () => {
    const original = await fx.read('content/publication.yml');
    try {
      await fx.edit('content/publication.yml', 'accentColor: "#8a1c2b"', 'accentColor: "#f2c94c"');
      const ds = only(await fx.check(FEATURE), 'a11y/contrast');
      expect(ds.length).toBeGreaterThan(0);
      expect(ds[0]).toMatchObject({ severity: 'error', file: 'content/publication.yml', line: 34 });
      expect(ds[0]!.message).toMatch(/#f2c94c on #ffffff: contrast 1\.\d\d:1, below WCAG AA/);
    } finally {
      await fx.write('content/publication.yml', original);
    }
  });

  it('warns about text smaller than 14px, inline or in the phone media query', async () => {
    const header = await builtinTemplate('partials/header.mjml.hbs');
    await fx.write(
      'templates/partials/header.mjml.hbs',
      `${header}\n<mj-text><p style="font-size:11px">Fine print</p></mj-text>\n`,
    );
    const head = await builtinTemplate('partials/head.mjml.hbs');
    await fx.write(
      'templates/partials/head.mjml.hbs',
      head.replace(
        '.gz-h2 { font-size: 23px !important; }',
        '.gz-h2 { font-size: 23px !important; }\n      .gz-m { font-size: 12px !important; }',
      ),
    );
    try {
      const ds = only(await fx.check(FEATURE), 'a11y/small-text');
      expect(ds).toMatchObject([
        {
          severity: 'warning',
          file: 'templates/partials/header.mjml.hbs',
          line: 25,
          message: 'text "Fine print" is 11px, smaller than 14px on phones',
        },
        { severity: 'warning', file: 'templates/partials/head.mjml.hbs' },
      ]);
    } finally {
      await fx.write('templates/partials/header.mjml.hbs', header);
      await fx.write('templates/partials/head.mjml.hbs', head);
    }
  });
});
