import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO, 'bin', 'gazette.js');

export const PUBLICATION = `name: Test Weekly
url: https://news.example.org
logo: {src: assets/logo.png, alt: Test Weekly, width: 160}
from: {name: Test Weekly, address: letters@news.example.org}
replyTo: editors@news.example.org
address: 1 Main Street, Springfield
language: en
accentColor: "#8a1c2b"
unsubscribeUrl: https://news.example.org/unsubscribe
`;

export function article(fields: Record<string, string> = {}, body = 'A first paragraph.\n\nA second one.'): string {
  const f = {
    title: 'A title',
    date: '2025-11-18',
    author: '{name: Ada Writer, role: Staff Writer}',
    dek: 'A dek.',
    ...fields,
  };
  return `---\n${Object.entries(f)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n---\n${body}\n`;
}

export function issue(
  articles: string[],
  fields: Record<string, string> = {},
  intro = 'Hello {{subscriber.name | default: "reader"}}.',
): string {
  const f = {
    title: 'Issue title',
    date: '2025-11-20',
    layout: 'digest',
    preheader: 'What is inside this week.',
    ...fields,
  };
  return `---\n${Object.entries(f)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\narticles:\n${articles.map((a) => `  - ${a}`).join('\n')}\n---\n${intro}\n`;
}

export interface RootSpec {
  publication?: string | Buffer;
  articles?: Record<string, string | Buffer>;
  issues?: Record<string, string | Buffer>;
  templates?: Record<string, string>;
}

/** A temporary root with the given files; `cleanup()` removes it. */
export async function makeRoot(spec: RootSpec): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-test-'));
  const put = async (rel: string, contents: string | Buffer) => {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, contents);
  };
  const publication = spec.publication ?? PUBLICATION;
  await put('content/publication.yml', publication);
  // The logo the publication names exists, as it must (a missing local image is an error).
  if (String(publication).includes('src: assets/logo.png')) await put('content/assets/logo.png', await logoPng());
  for (const [name, text] of Object.entries(spec.articles ?? {})) await put(`content/articles/${name}.md`, text);
  for (const [name, text] of Object.entries(spec.issues ?? {})) await put(`content/issues/${name}.md`, text);
  for (const [name, text] of Object.entries(spec.templates ?? {})) await put(`templates/${name}`, text);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

let logo: Buffer | undefined;
/** A small real PNG (160x40), made once per test process. */
async function logoPng(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  logo ??= await sharp({ create: { width: 160, height: 40, channels: 3, background: '#8a1c2b' } })
    .png()
    .toBuffer();
  return logo;
}

/** A copy of the sample publication (content only), to edit freely. */
export async function copySample(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-sample-'));
  await cp(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
