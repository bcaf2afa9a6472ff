import type { Publication } from '../types.js';

/** Colors and fonts the templates and the Markdown styles share, derived from publication.yml. */
export interface Theme {
  accent: string;
  /** Text color on an accent background: white or near-black, whichever contrasts more. */
  onAccent: string;
  text: string;
  muted: string;
  background: string;
  paper: string;
  border: string;
  codeBackground: string;
  fontBody: string;
  fontHeading: string;
  /** The palette for `prefers-color-scheme: dark`; its accent is lightened to stay readable. */
  dark: {
    background: string;
    paper: string;
    text: string;
    muted: string;
    accent: string;
    border: string;
    /** Background of inline code and code blocks. */
    codeBackground: string;
  };
}

export function themeOf(publication: Publication): Theme {
  const accent = publication.accentColor.toLowerCase();
  return {
    accent,
    onAccent: contrastRatio(accent, '#ffffff') >= contrastRatio(accent, '#111111') ? '#ffffff' : '#111111',
    text: '#1f1f1f',
    muted: '#595959',
    background: '#f3f0ea',
    paper: '#ffffff',
    border: '#dcd6cc',
    codeBackground: '#f4f2ee',
    fontBody: '-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif',
    fontHeading: 'Georgia, Times New Roman, Times, serif',
    dark: {
      background: '#121212',
      paper: '#1c1c1e',
      text: '#ececec',
      muted: '#b4b4b4',
      accent: lightenUntil(accent, '#1c1c1e', 4.5),
      border: '#3a3a3c',
      codeBackground: '#2c2c2e',
    },
  };
}

/** Mixes a color toward white until it reaches a contrast ratio against a background. */
export function lightenUntil(hex: string, background: string, ratio: number): string {
  const n = parseInt(hex.slice(1), 16);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const mixed =
      '#' +
      rgb
        .map((c) =>
          Math.round(c + (255 - c) * t)
            .toString(16)
            .padStart(2, '0'),
        )
        .join('');
    if (contrastRatio(mixed, background) >= ratio) return mixed;
  }
  return '#ffffff';
}

/** WCAG 2 relative luminance contrast ratio of two #rrggbb colors. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}
