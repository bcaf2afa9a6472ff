// The files `gazette init` writes into a new publication root. Every setting of publication.yml
// is present, filled in or commented, so nobody has to look the names up (DESIGN §2).

import { yamlString } from './templates.js';

export interface InitAnswers {
  name: string;
  /** https base URL, no trailing slash. */
  url: string;
  /** The From address. */
  from: string;
  /** Postal address for the footer. */
  address: string;
  /** YYYY-MM-DD, the date of the first article and issue. */
  date: string;
}

/**
 * Values written when no flag and no terminal gave one. They build, so the new root can be
 * previewed at once, and `gazette check` flags each one (`publication/placeholder`) until it is
 * replaced. The marker is what the check looks for.
 */
export const PLACEHOLDER_MARK = 'change-me';
export const PLACEHOLDERS: Omit<InitAnswers, 'date'> = {
  name: 'My Newsletter (change-me)',
  url: 'https://change-me.example',
  from: 'newsletter@change-me.example',
  address: 'change-me: your postal address, shown in every footer',
};

export const FIRST_ARTICLE = 'welcome';
export const FIRST_ISSUE = 'first-issue';

/** The files, by path relative to the new root. */
export function initFiles(a: InitAnswers): Record<string, string> {
  return {
    'content/publication.yml': publicationYml(a),
    [`content/articles/${FIRST_ARTICLE}.md`]: welcomeArticle(a),
    [`content/issues/${FIRST_ISSUE}.md`]: firstIssue(a),
    'content/assets/.gitkeep': '',
    '.gitignore': GITIGNORE,
    '.env.example': ENV_EXAMPLE,
    '.github/workflows/gazette.yml': WORKFLOW,
  };
}

function publicationYml(a: InitAnswers): string {
  return `# ${a.name.replace(/\s+/g, ' ')}: publication settings for Gazette.
# Every key is described in the Gazette docs (docs/content.md). Secrets never go here: they belong
# in .env (see .env.example).

# Display name, used in the header, the footer and the From line.
name: ${yamlString(a.name)}

# Public https address where dist/ is published, no trailing slash. The web version of each issue,
# the article pages and the images are linked from the emails at this address.
url: ${yamlString(a.url)}

# One sentence, used by the web archive and the feed.
# description: ""

# Masthead logo: a path under content/ (e.g. assets/logo.png), alt text, display width in px.
# logo:
#   src: assets/logo.png
#   alt: ""
#   width: 180

# Sender shown in the recipient's inbox.
from:
  name: ${yamlString(a.name)}
  address: ${yamlString(a.from)}

# Where replies go (Reply-To header).
# replyTo: editor@example.org

# Postal address printed in the footer (required by CAN-SPAM and similar laws).
address: ${yamlString(a.address)}

# Language of the issues (BCP 47 tag); an article may set its own with \`lang\`.
language: en

# Accent colour (#rrggbb, quoted) for links, rules and buttons.
accentColor: "#8a1c2b"

# https one-click unsubscribe endpoint, answered by \`gazette serve\` (List-Unsubscribe header).
unsubscribeUrl: ${yamlString(`${a.url}/unsubscribe`)}

# Optional mailto: alternative offered in the List-Unsubscribe header.
# unsubscribeMailto: unsubscribe@example.org
`;
}

function welcomeArticle(a: InitAnswers): string {
  return `---
title: "Welcome to ${a.name.replace(/["\\\s]+/g, ' ').trim()}"
date: ${a.date}
author:
  name: The Editors
dek: What this newsletter is about, and how often it arrives.
# draft: true keeps an article out of the archive, the feed and every send until you remove it.
---

This is the first article. Edit it in \`content/articles/${FIRST_ARTICLE}.md\`, or create more with
\`npx gazette new article "Title"\`.

Run \`npx gazette preview\` to see the issue as your readers will, and \`npx gazette check\` before
sending it.
`;
}

function firstIssue(a: InitAnswers): string {
  return `---
# The email subject.
title: ${yamlString(`${a.name}: issue 1`)}
date: ${a.date}
number: 1
preheader: The first issue, with one article.
# digest: several article teasers; feature: one article in full.
layout: digest
articles:
  - ${FIRST_ARTICLE}
# draft: true renders the issue in build and preview but keeps it out of the archive, the feed and send.
---

Hi {{subscriber.name | default: "reader"}},

Welcome to the first issue.
`;
}

const GITIGNORE = `# Secrets (SMTP_URL, GAZETTE_SECRET): never commit them.
.env
# Journal, suppression list and subscribers: personal data, kept out of git.
.gazette/
# Build output: rebuilt by \`npx gazette build\`, published to your static host.
dist/
node_modules/
`;

const ENV_EXAMPLE = `# Copy to .env (git-ignored) and fill in. Gazette reads .env from the root.

# SMTP server for \`gazette send\`: smtp://user:password@host:587 (smtps:// for port 465).
SMTP_URL=

# Secret that signs unsubscribe links (at least 32 random characters, e.g. \`openssl rand -hex 32\`).
GAZETTE_SECRET=

# Optional: a postgres:// URL to keep the journal and subscribers in PostgreSQL instead of .gazette/.
# GAZETTE_DATABASE_URL=
`;

const WORKFLOW = `# Checks every pull request the way mail clients and providers will see the issues.
name: gazette
on:
  pull_request:
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npx gazette build
      - run: npx gazette check --strict
`;
