import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gz } from '../../helpers/run.js';
import { useSample } from '../../helpers/sample.js';

// Attack: a cloned publication commits `dist` as a symbolic link (to `..`, to ~, to the root
// itself). The build must not read that folder as its previous output: every folder in it would
// be "carried over" (copied or hard-linked) into the new dist/, which is what gets deployed.

const sample = useSample();

function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
}

describe('attack: dist/ committed as a symbolic link', () => {
  it('carries nothing over from the folder the link points to, and leaves that folder alone', async () => {
    const root = await sample();
    const home = path.join(root, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
    mkdirSync(path.join(home, 'taxes'));
    writeFileSync(path.join(home, 'taxes', '2025.pdf'), 'PDF');
    symlinkSync(path.relative(root, home), path.join(root, 'dist'));

    const reference = await gz(['build', '--root', root, '--quiet', '--no-cache', '--out', 'reference']);
    expect(reference.code, reference.stderr).toBe(0);
    const r = await gz(['build', '--root', root, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const dist = path.join(root, 'dist');
    expect(lstatSync(dist).isSymbolicLink()).toBe(false);
    expect(existsSync(path.join(dist, '.ssh'))).toBe(false);
    expect(existsSync(path.join(dist, 'taxes'))).toBe(false);
    expect(files(dist)).toEqual(files(path.join(root, 'reference')));
    expect(files(home)).toEqual(['.ssh/id_ed25519', 'taxes/2025.pdf']);
    expect(readFileSync(path.join(home, '.ssh', 'id_ed25519'), 'utf8')).toBe('PRIVATE KEY');
    expect(statSync(path.join(home, '.ssh', 'id_ed25519')).nlink).toBe(1);
  });

  it('refuses a dist that links to the root itself (nothing published, nothing lost)', async () => {
    const root = await sample();
    writeFileSync(path.join(root, '.env'), 'GAZETTE_SECRET=do-not-publish\n');
    symlinkSync('.', path.join(root, 'dist'));
    // dist/ is then the root itself: the build refuses it (it replaces its output folder whole).
    const r = await gz(['build', '--root', root, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the output folder \S*dist holds the root/);
    expect(lstatSync(path.join(root, 'dist')).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(root, 'content', 'publication.yml'))).toBe(true);
    expect(existsSync(path.join(root, '.env'))).toBe(true);
    expect(existsSync(path.join(root, 'archive'))).toBe(false);
  });

  it('carries over no email images through a dist/assets/email that is a link (a --issue build)', async () => {
    const root = await sample();
    const home = path.join(root, 'home');
    mkdirSync(home);
    writeFileSync(path.join(home, 'id_ed25519'), 'PRIVATE KEY');
    // A dist/ committed with the repository, its assets/email pointing at ~/.ssh.
    mkdirSync(path.join(root, 'dist', 'assets'), { recursive: true });
    symlinkSync(home, path.join(root, 'dist', 'assets', 'email'));
    const r = await gz(['build', '--root', root, '--quiet', '--issue', 'kazakhstan-abraham-accords']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'dist', 'assets', 'email', 'id_ed25519'))).toBe(false);
  });

  it('carries over no email images through a dist/assets that is a link', async () => {
    const root = await sample();
    const home = path.join(root, 'home');
    mkdirSync(path.join(home, 'email'), { recursive: true });
    writeFileSync(path.join(home, 'email', 'id_ed25519'), 'PRIVATE KEY');
    mkdirSync(path.join(root, 'dist'));
    symlinkSync(home, path.join(root, 'dist', 'assets'));
    const r = await gz(['build', '--root', root, '--quiet', '--issue', 'kazakhstan-abraham-accords']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'dist', 'assets', 'email', 'id_ed25519'))).toBe(false);
  });
});
