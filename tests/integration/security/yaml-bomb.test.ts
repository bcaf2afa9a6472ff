import { afterEach, describe, expect, it } from 'vitest';
import { buildIssue } from '../../../src/pipeline/build.js';
import { parseYaml } from '../../../src/load/yaml.js';
import { PUBLICATION, article, issue, makeRoot } from '../../helpers/root.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// Nine nested anchors: 9^9 (387 million) strings once expanded.
const LEVELS = 'abcdefghi';
const BOMB = [
  `a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]`,
  ...[...LEVELS.slice(1)].map((l, i) => `${l}: &${l} [${Array(9).fill(`*${LEVELS[i]}`).join(',')}]`),
].join('\n');

describe('attack: YAML alias bomb (issue 12)', () => {
  it('fails fast, at the line of the first alias, in the one YAML reader', () => {
    const t0 = performance.now();
    const r = parseYaml(`title: x\n${BOMB}\n`, 'content/articles/bomb.md', 1);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'content/yaml-aliases', severity: 'error', line: 4 }]);
    expect(r.diagnostics[0]!.hint).toMatch(/aliases/);
  });

  it('stops the bomb in an article, in an issue and in publication.yml before the build walks it', async () => {
    const inTags = `tags: &t\n${BOMB.split('\n')
      .map((l) => `  - ${l.replace(/^\w: /, '')}`)
      .join('\n')}`;
    for (const [where, spec, file] of [
      [
        'article',
        {
          articles: { a: article({ title: 'T' }).replace('---\n', `---\n${BOMB}\n`), b: article() },
          issues: { one: issue(['b']) },
        },
        'content/articles/a.md',
      ],
      [
        'issue',
        { articles: { b: article() }, issues: { one: issue(['b']).replace('---\n', `---\n${inTags}\n`) } },
        'content/issues/one.md',
      ],
      [
        'publication',
        { publication: `${PUBLICATION}${BOMB}\n`, articles: { b: article() }, issues: { one: issue(['b']) } },
        'content/publication.yml',
      ],
    ] as const) {
      const r = await makeRoot(spec);
      cleanups.push(r.cleanup);
      const t0 = performance.now();
      const result = await buildIssue({ root: r.root });
      expect(performance.now() - t0, where).toBeLessThan(5000);
      expect(result.ok, where).toBe(false);
      const d = result.diagnostics.find((x) => x.code === 'content/yaml-aliases');
      expect(d, where).toMatchObject({ file, severity: 'error' });
      expect(d!.line, where).toBeGreaterThan(1);
    }
  });

  it('refuses a front-matter block over the size budget', () => {
    const r = parseYaml(`title: x\nbody: "${'y'.repeat(70 * 1024)}"\n`, 'content/articles/big.md', 1);
    expect(r.diagnostics).toMatchObject([{ code: 'content/data-too-large', line: 2 }]);
  });

  it('still reads ordinary YAML with asterisks in text fast', () => {
    const r = parseYaml('title: "**bold** *move*"\ndek: a * b\n', 'x.md', 1);
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed!.data).toEqual({ title: '**bold** *move*', dek: 'a * b' });
  });
});
