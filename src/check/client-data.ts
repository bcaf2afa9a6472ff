import { rawData } from 'caniemail';

// caniemail.com's data (the `caniemail` package's JSON) for the clients Gazette targets.

export interface TargetClient {
  id: string;
  family: string;
  platform: string;
  name: string;
}

export const TARGET_CLIENTS: TargetClient[] = [
  { id: 'gmail.desktop-webmail', family: 'gmail', platform: 'desktop-webmail', name: 'Gmail (web)' },
  { id: 'gmail.android', family: 'gmail', platform: 'android', name: 'Gmail (Android)' },
  { id: 'gmail.ios', family: 'gmail', platform: 'ios', name: 'Gmail (iOS)' },
  { id: 'outlook.windows', family: 'outlook', platform: 'windows', name: 'Outlook (Windows)' },
  { id: 'outlook.outlook-com', family: 'outlook', platform: 'outlook-com', name: 'Outlook.com' },
  { id: 'apple-mail.macos', family: 'apple-mail', platform: 'macos', name: 'Apple Mail (macOS)' },
  { id: 'apple-mail.ios', family: 'apple-mail', platform: 'ios', name: 'Apple Mail (iOS)' },
  { id: 'yahoo.desktop-webmail', family: 'yahoo', platform: 'desktop-webmail', name: 'Yahoo Mail' },
];

/**
 * Features whose absence loses content or breaks the layout (not just a nicety): when a target
 * client does not support one of these at all, the finding is a warning, otherwise information.
 */
export const LAYOUT_CRITICAL = new Set([
  'css-display-flex',
  'css-display-grid',
  'css-position',
  'css-float',
  'css-variables',
  'css-background-image',
  'css-at-font-face',
  'css-at-import',
  'css-function-clamp',
  'css-function-min',
  'css-function-max',
  'css-unit-calc',
  'css-modern-color',
  'css-function-light-dark',
  'css-grid-template',
  'css-transform',
  'html-form',
  'html-video',
  'html-audio',
  'html-svg',
  'html-object',
  'html-dialog',
  'html-picture',
  'html-srcset',
  'html-input-text',
  'html-input-checkbox',
  'html-input-radio',
  'html-select',
  'html-textarea',
  'html-marquee',
  'image-svg',
  'image-webp',
  'image-avif',
  'image-heif',
  'image-base64',
  'image-tiff',
  'image-bmp',
  'image-mp4',
]);

export type Support = 'full' | 'partial' | 'none' | 'unknown';

export interface FeatureData {
  slug: string;
  title: string;
  url: string;
  stats: Record<string, Record<string, Record<string, string>>>;
  notes_by_num?: Record<string, string> | null;
}

export const FEATURES = new Map<string, FeatureData>(
  (rawData as unknown as { data: FeatureData[] }).data.map((f) => [f.slug, f]),
);

/** What caniemail says of one feature in one client's latest tested version. */
export function supportOf(slug: string, client: TargetClient): { support: Support; notes: string[] } {
  const f = FEATURES.get(slug);
  const versions = f?.stats[client.family]?.[client.platform];
  if (!f || !versions) return { support: 'unknown', notes: [] };
  // The package reads the last version in sorted order as "latest"; do the same.
  const latest = versions[Object.keys(versions).sort().at(-1)!] ?? 'u';
  const notes = [...latest.matchAll(/#(\d+)/g)].map((m) => f.notes_by_num?.[m[1]!]).filter((n): n is string => !!n);
  const support: Support = latest.startsWith('y')
    ? 'full'
    : latest.startsWith('n')
      ? 'none'
      : latest.startsWith('a')
        ? 'partial'
        : 'unknown';
  return { support, notes };
}
