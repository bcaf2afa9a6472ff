import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../../src/pipeline/build.js';
import { siteFiles } from '../../../src/output/site.js';
import { writeBuild } from '../../../src/output/write.js';
import { gz } from '../../helpers/run.js';
import { rawRequest, servedSample, type Served } from '../../helpers/http.js';

const ISSUE = 'weekly-digest-2025-11-21';
let s: Served & { root: string };
beforeAll(async () => {
  s = await servedSample();
  await mkdir(path.join(s.root, 'dist', 'screenshots'), { recursive: true });
  await writeFile(path.join(s.root, 'dist', 'screenshots', `${ISSUE}-desktop.png`), 'PNG');
  await mkdir(path.join(s.root, 'dist', ISSUE, 'screenshots'), { recursive: true });
  await writeFile(path.join(s.root, 'dist', ISSUE, 'screenshots', 'mobile.png'), 'PNG');
});
afterAll(() => s.close());

describe('attack: fetch the sender-only files from a running `gazette serve` (issue 12)', () => {
  it.each([
    `/${ISSUE}/email.html`,
    `/${ISSUE}/email.txt`,
    `/${ISSUE}/issue.json`,
    `/${ISSUE}/Email.HTML`,
    `/${ISSUE}/%65mail.html`,
    `/newsletter/${ISSUE}/issue.json`,
    `/screenshots/${ISSUE}-desktop.png`,
    `/${ISSUE}/screenshots/mobile.png`,
  ])('GET %s is 404', async (p) => {
    expect(existsSync(path.join(s.root, 'dist', ISSUE, 'email.html'))).toBe(true); // still written
    const r = await rawRequest(s.url, 'GET', p);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('{{subscriber');
    expect(r.body).not.toContain('"diagnostics"');
  });

  it('still serves the public pages', async () => {
    expect((await rawRequest(s.url, 'GET', `/issues/${ISSUE}/`)).status).toBe(200);
    expect((await rawRequest(s.url, 'GET', `/${ISSUE}/web.html`)).status).toBe(200);
    expect((await rawRequest(s.url, 'GET', '/feed.xml')).status).toBe(200);
  });
});

describe('build --public: the tree for a static host holds only public files', () => {
  it('leaves out email.html, email.txt, issue.json and screenshots, keeps web versions, archive, feed, assets', async () => {
    const result = await buildIssue({ root: s.root });
    const pub = path.join(s.root, 'public');
    // A previous upload folder with screenshots in it: not carried into the public tree.
    await mkdir(path.join(pub, 'screenshots'), { recursive: true });
    await writeFile(path.join(pub, 'screenshots', 'x.png'), 'PNG');
    await writeBuild(result, pub, {
      assetsDir: path.join(s.root, 'content', 'assets'),
      siteFiles: await siteFiles(result.content!, result.issues),
      publicOnly: true,
    });
    const all = (await readdir(pub, { recursive: true })).map((f) => f.split(path.sep).join('/')).sort();
    expect(all.filter((f) => /email\.(html|txt)$|issue\.json$|screenshots/.test(f))).toEqual([]);
    expect(all).toContain(`${ISSUE}/web.html`);
    expect(all).toContain('index.html');
    expect(all).toContain('feed.xml');
    expect(all.some((f) => f.startsWith('assets/'))).toBe(true);
  });
});

describe('gazette build --public DIR', () => {
  it('writes the public tree alone into DIR', async () => {
    const dir = path.join(s.root, 'static-host');
    const r = await gz(['build', '--root', s.root, '--public', dir]);
    expect(r.code, r.stderr).toBe(0);
    const all = (await readdir(dir, { recursive: true })).map((f) => f.split(path.sep).join('/'));
    expect(all).toContain(`${ISSUE}/web.html`);
    expect(all.filter((f) => /email\.(html|txt)$|issue\.json$/.test(f))).toEqual([]);
  });
});
