import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks, docFiles, headingSlug } from '../helpers/doc-links.js';
import { REPO } from '../helpers/root.js';

// Every relative link in the user and contributor docs must name a file that exists, and every
// `#anchor` a heading of its target, so the docs stay true while others move files and rename
// headings.

describe('links in README.md, CONTRIBUTING.md and docs/', () => {
  it('point at files and headings that exist', () => {
    const files = docFiles(REPO);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', path.join('docs', 'checks.md')]));
    const broken = files.flatMap((f) => brokenLinks(REPO, f));
    expect(broken.map((b) => `${b.file}:${b.line}: ${b.target}: ${b.problem}`)).toEqual([]);
  });

  it('the checker finds a missing file, a missing anchor and ignores code and external links', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-links-'));
    try {
      await mkdir(path.join(root, 'docs'));
      await writeFile(path.join(root, 'docs', 'a.md'), '# A\n\n## `gazette send` options\n\n## Twice\n\n## Twice\n');
      await writeFile(
        path.join(root, 'README.md'),
        [
          '[ok](docs/a.md) [ok](docs/a.md#gazette-send-options) [ok](docs/a.md#twice-1) [self](#top)',
          '[gone](docs/b.md) [no anchor](docs/a.md#nope) [web](https://example.org/x.md#y)',
          '`[in code](docs/c.md)`',
          '```',
          '[in a fence](docs/d.md)',
          '```',
          '[out](../elsewhere.md)',
          '# Top',
        ].join('\n'),
      );
      const found = brokenLinks(root, 'README.md').map((b) => `${b.line}:${b.target}`);
      expect(found).toEqual(['2:docs/b.md', '2:docs/a.md#nope', '7:../elsewhere.md']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('makes anchors the way GitHub does', () => {
    expect(headingSlug('publication.yml')).toBe('publicationyml');
    expect(headingSlug('Confirmation, progress and exit codes')).toBe('confirmation-progress-and-exit-codes');
    expect(headingSlug('Preview, screenshots and scaffolding')).toBe('preview-screenshots-and-scaffolding');
    expect(headingSlug('Café & thé')).toBe('café--thé');
  });
});
