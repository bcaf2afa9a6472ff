import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTemplate, codes, DIGEST, FEATURE, only, sampleFixture, type Fixture } from './fixture.js';

const FEATURE_ISSUE = `content/issues/${FEATURE}.md`;

describe('compliance rules', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sampleFixture();
  });
  afterAll(() => fx.cleanup());

  it('passes the sample issues', async () => {
    for (const issue of [FEATURE, DIGEST]) expect(codes(await fx.check(issue), 'compliance/')).toEqual([]);
  });

  it('requires a visible unsubscribe link and the postal address', async () => {
    const footer = await builtinTemplate('partials/footer.mjml.hbs');
    await fx.write(
      'templates/partials/footer.mjml.hbs',
      footer
        .replace('<a href="{{url links.unsubscribe}}"', '<a href="{{url links.web}}"')
        .replace('{{publication.address}}', 'Abu Dhabi'),
    );
    try {
      const ds = await fx.check(FEATURE);
      expect(only(ds, 'compliance/no-unsubscribe-link')).toMatchObject([
        { severity: 'error', file: 'templates/partials/footer.mjml.hbs' },
      ]);
      expect(only(ds, 'compliance/no-postal-address')).toMatchObject([
        { severity: 'error', file: 'templates/partials/footer.mjml.hbs' },
      ]);
      // A link that is there but hidden does not count.
      await fx.write(
        'templates/partials/footer.mjml.hbs',
        footer.replace(
          '<p style="margin:0"><a href="{{url links.unsubscribe}}"',
          '<p style="margin:0;display:none"><a href="{{url links.unsubscribe}}"',
        ),
      );
      expect(codes(await fx.check(FEATURE), 'compliance/')).toEqual(['compliance/no-unsubscribe-link']);
    } finally {
      await fx.write('templates/partials/footer.mjml.hbs', footer);
    }
  });

  it('checks the List-Unsubscribe configuration and the From domain in publication.yml', async () => {
    const original = await fx.read('content/publication.yml');
    try {
      await fx.edit(
        'content/publication.yml',
        'unsubscribeUrl: https://www.thegazelle.org/newsletter/unsubscribe',
        'unsubscribeUrl: https://localhost:8080/unsubscribe',
      );
      await fx.edit('content/publication.yml', /\nunsubscribeMailto: .*\n/, '\n');
      await fx.edit(
        'content/publication.yml',
        'address: newsletter@thegazelle.org',
        'address: thegazelle.news@gmail.com',
      );
      const ds = await fx.check(FEATURE);
      expect(only(ds, 'compliance/list-unsubscribe')).toMatchObject([
        { severity: 'error', file: 'content/publication.yml', line: 37 },
      ]);
      expect(only(ds, 'compliance/no-unsubscribe-mailto')).toMatchObject([
        { severity: 'info', file: 'content/publication.yml' },
      ]);
      expect(only(ds, 'compliance/from-domain')).toMatchObject([
        { severity: 'warning', file: 'content/publication.yml', line: 19 },
      ]);
    } finally {
      await fx.write('content/publication.yml', original);
    }
  });

  it('checks the subject length and the preheader', async () => {
    const original = await fx.read(FEATURE_ISSUE);
    try {
      await fx.edit(
        FEATURE_ISSUE,
        /^title: .*$/m,
        'title: "Kazakhstan joins the Abraham Accords: what it means for Washington, Moscow and the region"',
      );
      await fx.edit(
        FEATURE_ISSUE,
        /^preheader: .*$/m,
        'preheader: "Kazakhstan joins the Abraham Accords: what it means for Washington"',
      );
      const ds = await fx.check(FEATURE);
      expect(only(ds, 'compliance/subject-length')).toMatchObject([
        { severity: 'warning', file: FEATURE_ISSUE, line: 2 },
      ]);
      expect(only(ds, 'compliance/preheader-repeats-subject')).toMatchObject([
        { severity: 'warning', file: FEATURE_ISSUE, line: 6 },
      ]);

      await fx.write('templates/partials/preheader.mjml.hbs', '{{!-- no preview text --}}\n');
      expect(only(await fx.check(FEATURE), 'compliance/no-preheader')).toMatchObject([
        { severity: 'warning', file: FEATURE_ISSUE },
      ]);
    } finally {
      await fx.write(FEATURE_ISSUE, original);
      await fx.write('templates/partials/preheader.mjml.hbs', await builtinTemplate('partials/preheader.mjml.hbs'));
    }
  });
});
