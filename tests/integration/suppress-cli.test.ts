import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRoot } from '../helpers/send.js';
import { gz as gazette } from '../helpers/run.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
});
afterAll(async () => cleanup());

describe('gazette suppress', () => {
  it('adds, lists (one address a line), imports and removes', async () => {
    expect((await gazette(['suppress', 'add', 'B@example.org', 'a@example.org', '--root', root])).stdout).toContain(
      'Suppressed 2 addresses',
    );
    await writeFile(path.join(root, 's.csv'), 'email\nc@example.org\na@example.org\nnot-valid\n');
    const imported = await gazette(['suppress', 'import', path.join(root, 's.csv'), '--root', root]);
    expect(imported.stdout).toMatch(
      /^Imported 1 new suppressed address \(1 already suppressed\), skipped 1 \(line 4: address "not-valid" /,
    );
    expect(imported.stderr).toMatch(/s\.csv:4: warning: .*\[suppress\/invalid-address\]/);
    // Partial success: 2, as for every command (docs/exit-codes.md).
    expect(imported.code).toBe(2);
    expect((await gazette(['suppress', 'remove', 'b@example.org', '--root', root])).code).toBe(0);
    const listed = await gazette(['suppress', 'list', '--root', root]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe('a@example.org\nc@example.org\n');
    const csv = (await gazette(['suppress', 'list', '--format', 'csv', '--root', root])).stdout.split('\r\n');
    expect(csv[0]).toBe('email,reason,date,source');
    expect(csv[1]).toMatch(/^a@example\.org,manual,\d{4}-\d\d-\d\dT[^,]+,$/);
    expect(csv[2]).toMatch(/^c@example\.org,import,[^,]+,[^,]*s\.csv$/);
    const json = JSON.parse((await gazette(['suppress', 'list', '--format', 'json', '--root', root])).stdout);
    expect(json[1]).toMatchObject({ email: 'c@example.org', reason: 'import' });
    expect(json[1].source).toMatch(/s\.csv$/);
    expect((await gazette(['suppress', 'list', '--format', 'xml', '--root', root])).stderr).toContain('[cli/usage]');
  });

  it('rejects unknown actions, missing arguments and invalid addresses', async () => {
    for (const args of [['frobnicate'], ['add'], ['list', 'x'], []]) {
      const r = await gazette(['suppress', ...args, '--root', root]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[cli/usage]');
    }
    const bad = await gazette(['suppress', 'add', 'ok@example.org', '"x y"@example.org', '--root', root]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[suppress/invalid-address]');
    expect((await gazette(['suppress', 'list', '--root', root])).stdout).not.toContain('ok@example.org');
  });
});
