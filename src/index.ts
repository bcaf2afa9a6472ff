// The library API: the same pipeline the CLI runs.
export { buildIssue, UNSUBSCRIBE_TAG, type BuildOptions } from './build.js';
export { loadContent } from './load/index.js';
export { composeIssue } from './compose/index.js';
export { compileFill, escapeHtml, findMergeTags, type Fill } from './merge.js';
export { writeBuild, issueFiles, type OutputFile } from './write.js';
export { GazetteError, DiagnosticsError, formatDiagnostic } from './errors.js';
export { themeOf, contrastRatio, type Theme } from './theme.js';
export type * from './types.js';
