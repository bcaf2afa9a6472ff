import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, codeInfo, docsAnchor, isCatalogued, smtpSessionCode } from '../../../src/diagnostics/catalogue.js';
import { codesTable, withCodesTable } from '../../../src/diagnostics/table.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [readFileSync(path.join(dir, e.name), 'utf8')]
        : [],
  );
}

describe('diagnostic catalogue', () => {
  it('lists every code written in src/ (typecheck catches typed sites; this catches the rest)', () => {
    const families = new Set(Object.keys(CATALOGUE).map((c) => c.split('/')[0]!));
    // Strings shaped like codes that are not codes: a content folder and MIME types.
    const notCodes = /^(content\/issues|image\/(png|jpeg|gif|webp|avif|x-icon|svg\+xml))$/;
    const dirs = readdirSync(path.join(ROOT, 'src')).filter((d) => d !== 'diagnostics');
    const written = new Set(
      dirs
        .flatMap((d) =>
          d.endsWith('.ts') ? [readFileSync(path.join(ROOT, 'src', d), 'utf8')] : sources(path.join(ROOT, 'src', d)),
        )
        .flatMap((s) =>
          [...s.matchAll(/'([a-z0-9]+\/[a-z0-9-]+)'/g)]
            .map((m) => m[1]!)
            .filter((c) => families.has(c.split('/')[0]!) && !notCodes.test(c)),
        ),
    );
    expect(written.size).toBeGreaterThan(60);
    expect([...written].filter((c) => !isCatalogued(c))).toEqual([]);
  });

  it('gives every code a severity, a title and a hint written as sentences', () => {
    for (const [code, info] of Object.entries(CATALOGUE)) {
      expect(['error', 'warning', 'info'], code).toContain(info.severity);
      expect(info.title, code).toMatch(/^\S.*[.)]$/);
      expect(info.hint, code).toMatch(/^\S.*[.)]$/);
    }
  });

  it('maps SMTP session failures to one documented entry', () => {
    expect(smtpSessionCode('EAUTH')).toBe('send/eauth');
    expect(smtpSessionCode(undefined)).toBe('send/fatal');
    expect(codeInfo(smtpSessionCode('ECONNECTION')).title).toMatch(/refused the session/);
    expect(codeInfo('size/gmail-clip').severity).toBe('warning');
  });

  it('anchors each code in docs/checks.md', () => {
    expect(docsAnchor('size/gmail-clip')).toBe('docs/checks.md#size-gmail-clip');
    expect(codesTable()).toContain(
      '| `size/gmail-clip` | warning from 90 KB, error above 102,400 bytes | <a id="size-gmail-clip"></a>',
    );
  });

  it('escapes pipes inside table cells', () => {
    expect(codesTable()).toContain('`{{subscriber.<column> \\| default: "..."}}`');
  });

  it('docs/checks.md carries the table generated from it (run `npm run docs:codes` when this fails)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/checks.md'), 'utf8');
    expect(withCodesTable(doc)).toBe(doc);
    for (const code of Object.keys(CATALOGUE)) expect(doc).toContain(`| \`${code}\` |`);
  });
});
