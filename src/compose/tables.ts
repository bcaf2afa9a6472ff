import type MarkdownIt from 'markdown-it';

type PluginSimple = (md: InstanceType<typeof MarkdownIt>) => void;
import type { SourceNote } from './embeds.js';

/** Above this many columns a table cannot be read on a 375 px phone screen, even scrolled. */
export const MAX_TABLE_COLUMNS = 4;

/**
 * Tables scroll sideways inside their own box (`gz-scroll`) instead of squeezing each column to a
 * few characters, and a table wider than MAX_TABLE_COLUMNS gets a warning at its line.
 */
export const tablesPlugin: PluginSimple = (md) => {
  md.renderer.rules.table_open = (tokens, idx, _options, _env, self) =>
    `<div class="gz-scroll"><table${self.renderAttrs(tokens[idx]!)}>\n`;
  md.renderer.rules.table_close = () => '</table></div>\n';
  md.core.ruler.push('gazette_tables', (state) => {
    const notes: SourceNote[] = (state.env as { notes?: SourceNote[] }).notes ?? [];
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.type !== 'table_open') continue;
      let columns = 0;
      for (let j = i + 1; j < tokens.length && tokens[j]!.type !== 'tr_close'; j++)
        if (tokens[j]!.type === 'th_open' || tokens[j]!.type === 'td_open') columns++;
      if (columns > MAX_TABLE_COLUMNS)
        notes.push({
          code: 'content/wide-table',
          severity: 'warning',
          message: `a table of ${columns} columns is too wide for a phone (it scrolls sideways there)`,
          hint: `Keep tables to ${MAX_TABLE_COLUMNS} columns, split this one, or link to it on the web.`,
          line: (tokens[i]!.map?.[0] ?? 0) + 1,
        });
    }
  });
};
