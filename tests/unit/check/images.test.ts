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

describe('image rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
    // Images written in the article's Markdown...
    await fx.edit(
      FEATURE_ARTICLE,
      /\n---\n/,
      [
        '\n---\n',
        '![A chart of trade volumes](https://www.thegazelle.org/assets/chart.png)',
        '',
        '![An old photo](http://www.thegazelle.org/assets/old.png)',
        '',
        '<img src="https://www.thegazelle.org/assets/panorama.png" alt="A panorama" width="900">',
        '',
      ].join('\n'),
    );
    // ...and in a template override.
    const header = await builtinTemplate('partials/header.mjml.hbs');
    await fx.write(
      'templates/partials/header.mjml.hbs',
      `${header}\n<mj-text><img src="https://www.thegazelle.org/assets/badge.png" width="40"><img src="badge-small.png" alt="" width="20"><img src="#" alt="" width="20"></mj-text>\n`,
    );
  });
  afterAll(() => fx.cleanup());

  it('reports each problem with the file and line it was written on', async () => {
    const ds = await fx.check(FEATURE);
    expect(only(ds, 'image/missing-alt')).toMatchObject([
      { severity: 'error', file: 'templates/partials/header.mjml.hbs' },
    ]);
    expect(only(ds, 'image/no-width')).toMatchObject([
      { severity: 'warning', file: FEATURE_ARTICLE, line: 18 },
      { severity: 'warning', file: FEATURE_ARTICLE, line: 20 },
    ]);
    expect(only(ds, 'image/insecure-src')).toMatchObject([{ severity: 'warning', file: FEATURE_ARTICLE, line: 20 }]);
    expect(only(ds, 'image/too-wide')).toMatchObject([{ severity: 'warning', file: FEATURE_ARTICLE, line: 22 }]);
    expect(only(ds, 'image/relative-src')).toMatchObject([
      { severity: 'error', file: 'templates/partials/header.mjml.hbs' },
    ]);
    expect(only(ds, 'image/no-src')).toMatchObject([{ severity: 'error' }]);
  });

  it('accepts alt="" as decorative, and the sample images (alt, width, https, fitting)', async () => {
    const ds = await fx.check(FEATURE);
    expect(
      only(ds, 'image/missing-alt')
        .map((d) => d.message)
        .join(),
    ).not.toMatch(/badge-small/);
    const clean = await sampleFixture();
    try {
      for (const issue of [FEATURE, DIGEST]) expect(codes(await clean.check(issue), 'image/')).toEqual([]);
    } finally {
      await clean.cleanup();
    }
  });
});
