// The library API: the same pipeline the CLI runs.
export { buildIssue, UNSUBSCRIBE_TAG, type BuildOptions } from './pipeline/build.js';
export { loadContent } from './load/index.js';
export { composeIssue } from './compose/index.js';
export { compileFill, escapeHtml, findMergeTags, type Fill } from './render/merge.js';
export { writeBuild, issueFiles, type OutputFile } from './output/write.js';
export { GazetteError, DiagnosticsError, formatDiagnostic } from './util/errors.js';
export { themeOf, contrastRatio, type Theme } from './render/theme.js';
export type * from './types.js';
export {
  sendIssue,
  type SendIssueOptions,
  type SendPlan,
  type SendReport,
  type SendCounts,
} from './send/send-issue.js';
export { sendTestCopy, type TestSendOptions, type TestSendReport } from './send/test-send.js';
export { csvSource, type RecipientSource, type RecipientRow } from './send/source.js';
export { smtpTransport, emlTransport, type Transport, type Delivery } from './send/transport.js';
export type { SendProgress, StopReason } from './send/run.js';
export {
  liveCheck,
  liveTargets,
  notLiveError,
  type LiveCheckOptions,
  type LiveCheckResult,
  type LiveTarget,
} from './live/check.js';
