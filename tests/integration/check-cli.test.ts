import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz as gazette } from '../helpers/run.js';
import { readSubscriberSample } from '../../src/check/subscribers.js';
import { FEATURE, FEATURE_ARTICLE, SAMPLE, sampleFixture, type Fixture } from '../unit/check/fixture.js';

// In-process: run(argv, io) with memory streams (tests/helpers/run.ts).

describe('gazette check', () => {
  let fx: Fixture;
  let tmp: string;
  beforeAll(async () => {
    fx = await sampleFixture();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'gazette-check-cli-'));
  });
  afterAll(async () => {
    await fx.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  it('the sample publication passes --strict, its notes one line per code', async () => {
    const res = await gazette(['check', '--root', SAMPLE, '--strict']);
    const notes = Number(/and (\d+) notes/.exec(res.stdout)?.[1]);
    expect(res.stdout).toMatch(/^Checked 2 issues: 0 errors, 0 warnings and \d+ notes\. passed \(--strict\)\.\n$/);
    expect(res.code).toBe(0);
    // About a hundred caniemail notes: one line per code with its count, not a hundred findings.
    const lines = res.stderr.trimEnd().split('\n');
    const grouped = lines.filter((l) => l.startsWith('info: '));
    expect(grouped.length).toBeGreaterThan(0);
    expect(grouped.length).toBeLessThan(6);
    for (const l of grouped) expect(l).toMatch(/^info: \d+ notes? \[[a-z0-9-]+\/[a-z0-9-]+\]: \S/);
    expect(grouped.find((l) => l.includes('[client/partial]'))).toMatch(
      /^info: \d+ notes \[client\/partial\]: A feature that some target clients support only partly/,
    );
    expect(grouped.reduce((n, l) => n + Number(/^info: (\d+)/.exec(l)![1]), 0)).toBe(notes);
    expect(lines.at(-1)).toBe('  (--verbose lists each note with its file, line and hint)');
    expect(res.stderr).not.toContain('hint:');

    // --verbose: every note with its place and hint, and no grouped lines.
    const verbose = await gazette(['check', '--root', SAMPLE, '--strict', '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr.match(/^\S+:\d+:\d+: info: .* \[[a-z0-9/-]+\]$/gm)?.length).toBe(notes);
    expect(verbose.stderr).not.toMatch(/^info: \d+ notes/m);
  });

  it('--format json prints only JSON on stdout, with every finding', async () => {
    const res = await gazette(['check', '--root', SAMPLE, '--issue', FEATURE, '--format', 'json']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const json = JSON.parse(res.stdout) as {
      ok: boolean;
      summary: { errors: number; warnings: number; info: number };
      issues: { slug: string; diagnostics: unknown[] }[];
      diagnostics: { code: string; file: string; line: number; issue: string }[];
    };
    expect(json).toMatchObject({ ok: true, summary: { errors: 0, warnings: 0 } });
    expect(json.issues.map((i) => i.slug)).toEqual([FEATURE]);
    expect(json.diagnostics.length).toBe(json.summary.info);
    expect(json.diagnostics[0]).toMatchObject({ issue: FEATURE, file: expect.any(String), line: expect.any(Number) });
  });

  it('exits 1 on errors, and on warnings only with --strict', async () => {
    await fx.edit(FEATURE_ARTICLE, /\n---\n/, '\n---\n\n![A chart](https://www.thegazelle.org/assets/chart.png)\n');
    const lenient = await gazette(['check', '--root', fx.root, '--issue', FEATURE]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain(
      `${path.relative(process.cwd(), path.join(fx.root, FEATURE_ARTICLE))}:18:1: warning: image https://www.thegazelle.org/assets/chart.png has no width attribute [image/no-width]`,
    );
    expect(lenient.stderr).toContain('  hint: Give the image a width');
    const strict = await gazette(['check', '--root', fx.root, '--issue', FEATURE, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('FAILED (--strict)');

    await fx.edit(
      FEATURE_ARTICLE,
      '![A chart](https://www.thegazelle.org/assets/chart.png)',
      '[dev](http://localhost:3000/)',
    );
    const failing = await gazette(['check', '--root', fx.root, '--issue', FEATURE, '--format', 'json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ ok: false, summary: { errors: 1 } });
  });

  it('reports build errors, unknown issues, bad options and unreadable subscriber lists', async () => {
    const unknown = await gazette(['check', '--root', SAMPLE, '--issue', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('[build/unknown-issue]');
    const format = await gazette(['check', '--root', SAMPLE, '--format', 'xml']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('unknown format "xml" [cli/usage]');
    const timeout = await gazette(['check', '--root', SAMPLE, '--links', '--links-timeout', 'soon']);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain('[cli/usage]');
    const missing = await gazette(['check', '--root', SAMPLE, '--subscribers', path.join(tmp, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the subscriber list');
    expect(missing.stderr).toContain('[check/subscribers]');
  });

  it('--subscribers checks merge-tag columns against the CSV header (both issues greet by name)', async () => {
    const csv = path.join(tmp, 'list.csv');
    await writeFile(csv, 'email,first_name\r\nann@example.org,Ann\r\n');
    const res = await gazette(['check', '--root', SAMPLE, '--subscribers', csv, '--format', 'json']);
    const json = JSON.parse(res.stdout) as { diagnostics: { code: string; severity: string }[] };
    expect(json.diagnostics.filter((d) => d.code === 'hygiene/unknown-column').map((d) => d.severity)).toEqual([
      'warning',
      'warning',
    ]);
    expect(res.code).toBe(0);
    expect((await gazette(['check', '--root', SAMPLE, '--subscribers', csv, '--strict'])).code).toBe(1);
  });
});

describe('readSubscriberSample', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'gazette-subs-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('reads the header and the longest value of each column (BOM, CRLF, quotes)', async () => {
    const file = path.join(tmp, 'a.csv');
    await writeFile(
      file,
      '\ufeffemail,name\r\nann@example.org,Ann\r\n"bo.longer@example.org","Mash\'Al, Dana"\r\nc@d.io,\r\n',
    );
    expect(await readSubscriberSample(file)).toEqual({
      columns: ['email', 'name'],
      longest: { email: 'bo.longer@example.org', name: "Mash'Al, Dana" },
    });
  });

  it('reads columns named like Object.prototype members as plain columns', async () => {
    const file = path.join(tmp, 'proto.csv');
    await writeFile(file, 'email,constructor,__proto__\nann@example.org,Builder,x\n');
    const sample = await readSubscriberSample(file);
    expect(sample.columns).toEqual(['email', 'constructor', '__proto__']);
    expect(sample.longest.constructor).toBe('Builder');
    expect(sample.longest['__proto__']).toBe('x');
  });

  it('rejects an empty file and invalid CSV, naming the line', async () => {
    const empty = path.join(tmp, 'empty.csv');
    await writeFile(empty, '');
    await expect(readSubscriberSample(empty)).rejects.toMatchObject({
      code: 'check/subscribers',
      message: 'the subscriber list is empty',
    });
    const bad = path.join(tmp, 'bad.csv');
    await writeFile(bad, 'email,name\nann@example.org,"Ann\nbo@example.org,Bo\n');
    await expect(readSubscriberSample(bad)).rejects.toMatchObject({ code: 'check/subscribers', file: bad });
  });
});
