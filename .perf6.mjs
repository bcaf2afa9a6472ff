import { buildIssue } from './lib/index.js';
for (let i = 0; i < 600; i++) await buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' });
