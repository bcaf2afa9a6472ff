import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/subscribers.js';
import { openSubscriberStores } from '../../src/store/subscriber-store.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gz-subcli-'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

async function gz(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    cwd: root,
  };
  try {
    return { code: await run([...argv, '--root', root], io), stdout, stderr };
  } catch (err) {
    return {
      code: 1,
      stdout,
      stderr: stderr + String((err as Error).message) + ` [${(err as { code?: string }).code}]`,
    };
  }
}

describe('gazette subscribers', () => {
  it('imports a CSV keeping its columns as fields, lists and exports them (csv and json)', async () => {
    await writeFile(
      path.join(root, 'list.csv'),
      '\uFEFFEmail,name,city\r\nAda@Example.org,Ada,Paris\r\nbad-address,x,y\r\n"b@example.org","=HYPERLINK(""http://evil"")","Lyon, FR"\r\n',
    );
    const r = await gz('import', 'list.csv');
    expect(r.stdout).toContain('Imported 2 new and updated 0 subscribers; 1 invalid rows skipped.');
    expect(r.stderr).toMatch(/list\.csv:3: warning: .*\[subscribers\/invalid-address\]/);
    expect(r.code).toBe(2); // partial success
    const list = await gz('list');
    expect(list.stdout.split('\r\n')[0]).toBe('email,status,created_at,confirmed_at');
    expect(list.stdout).toMatch(/^ada@example\.org,confirmed,/m);
    const csv = await gz('export');
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'email,status,consent_source,consent_at,confirmed_at,ip_hash,created_at,updated_at,city,name',
    );
    // A formula from a stranger's form is neutralized; a comma is quoted.
    expect(csv.stdout).toContain(`"Lyon, FR","'=HYPERLINK(""http://evil"")"`);
    expect(csv.stdout).toContain('import:list.csv');
    const json = JSON.parse((await gz('export', '--format', 'json')).stdout) as { email: string; fields: object }[];
    expect(json.find((s) => s.email === 'ada@example.org')!.fields).toEqual({ name: 'Ada', city: 'Paris' });
  });

  it('re-importing never revives a stopped subscriber; suppressed addresses come in stopped', async () => {
    const stores = await openSubscriberStores({ root });
    await stores.subscribers.setStatus('ada@example.org', 'unsubscribed');
    await stores.suppressions.add('c@example.org', 'complaint', 'arf');
    await stores.close();
    await writeFile(path.join(root, 'again.csv'), 'email,name\nada@example.org,Ada L.\nc@example.org,Cee\n');
    expect((await gz('import', 'again.csv')).code).toBe(0);
    const out = (await gz('list', '--format', 'json')).stdout;
    const byEmail = Object.fromEntries(
      (JSON.parse(out) as { email: string; status: string }[]).map((s) => [s.email, s.status]),
    );
    expect(byEmail['ada@example.org']).toBe('unsubscribed');
    expect(byEmail['c@example.org']).toBe('complained');
  });

  it('adds with fields and a status, filters the list, removes', async () => {
    expect((await gz('add', 'D@example.org', '--field', 'name=Dee', '--status', 'pending')).code).toBe(0);
    const pending = JSON.parse((await gz('list', '--status', 'pending', '--format', 'json')).stdout) as {
      email: string;
    }[];
    expect(pending.map((p) => p.email)).toEqual(['d@example.org']);
    expect((await gz('remove', 'd@example.org')).stdout).toContain('Removed 1 address.');
    expect((await gz('list', '--status', 'pending', '--format', 'json')).stdout).toBe('[]\n');
  });

  it('forget erases the fields and keeps the address from coming back by import or add', async () => {
    const f = await gz('forget', 'b@example.org');
    expect(f.stdout).toContain('Forgot 1 address.');
    const all = (await gz('export')).stdout;
    expect(all).not.toContain('b@example.org');
    expect(all).not.toContain('HYPERLINK');
    await writeFile(path.join(root, 'old.csv'), 'email\nb@example.org\n');
    expect((await gz('import', 'old.csv')).stdout).toContain('1 forgotten addresses skipped');
    expect((await gz('add', 'b@example.org')).stderr).toContain('[subscribers/forgotten]');
    expect((await gz('export')).stdout).not.toContain('b@example.org');
  });

  it('refuses bad usage with a hint', async () => {
    expect((await gz('frob')).stderr).toContain('[cli/usage]');
    expect((await gz('add')).stderr).toContain('[cli/usage]');
    expect((await gz('list', '--format', 'xml')).stderr).toContain('[cli/usage]');
    expect((await gz('list', '--status', 'happy')).stderr).toContain('[subscribers/invalid-status]');
    expect((await gz('add', 'not an address')).stderr).toContain('[subscribers/invalid-address]');
    expect((await gz('list', '--database', 'mysql://x')).stderr).toContain('[config/database-url]');
  });
});
