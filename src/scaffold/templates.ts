// The files `gazette new` writes: every front-matter key of the content model (DESIGN §2) is
// either filled in or present as a comment, so editors never have to look the names up.

/** A YAML double-quoted scalar (JSON strings are valid YAML), on one line. */
export function yamlString(s: string): string {
  return JSON.stringify(s.replace(/\s+/g, ' ').trim());
}

/**
 * Text the scaffolds write for the editor to replace. `gazette check` warns while any of it is
 * left in an issue's articles or intro (hygiene/scaffold-text, src/check/scaffold.ts).
 */
export const SCAFFOLD_AUTHOR = 'Your Name';
export const SCAFFOLD_TEXTS = {
  article: 'Write the article here in Markdown',
  issue: 'Write the introduction of this issue here.',
} as const;

export function articleFile(o: { title: string; date: string }): string {
  return `---
# Headline, shown in the email and on the web. Required.
title: ${yamlString(o.title)}
# Publication date, YYYY-MM-DD. Required.
date: ${o.date}
# Who wrote it. For several writers use \`authors:\` with a list of the same fields instead.
author:
  name: ${SCAFFOLD_AUTHOR}
  # role: Staff Writer
  # email: writer@example.org
# One-sentence standfirst shown under the headline.
# dek: ""
# Lead image: a path under content/ (e.g. assets/photo.jpg) or a full https URL. Describe it in alt.
# image:
#   src: assets/photo.jpg
#   alt: ""
#   credit: ""
# Section label shown above the headline, e.g. News, Opinion, Culture.
# section: News
# Canonical web address of the full article (default: <publication url>/articles/<slug>/).
# url: https://example.org/articles/my-article
# Language (BCP 47) when it differs from the publication's; dir (ltr or rtl) follows from it.
# lang: en
# dir: ltr
# Teaser text for digest issues (default: the first paragraph).
# excerpt: ""
---

${SCAFFOLD_TEXTS.article}: paragraphs, **bold**, [links](https://example.org), lists,
quotes and tables. The first paragraph is the teaser in digest issues unless \`excerpt\` is set.

Merge tags such as {{subscriber.name | default: "reader"}} are filled for each subscriber.
`;
}

export interface IssueFileOptions {
  title: string;
  date: string;
  number?: number;
  /** digest, feature, or a layout of the root's own templates/layouts/. */
  layout: string;
  articles: string[];
  /** Other article slugs, listed in a comment as suggestions. */
  others: string[];
}

export function issueFile(o: IssueFileOptions): string {
  const list = o.articles.length
    ? o.articles.map((s) => `  - ${s}`).join('\n')
    : '  # - article-slug   (none yet: create one with `gazette new article "Title"`)';
  const others = o.others.length ? `\n# Other articles: ${o.others.join(', ')}` : '';
  return `---
# The email subject. Required.
title: ${yamlString(o.title)}
# Issue date, YYYY-MM-DD. Required.
date: ${o.date}
# Issue number, shown in the header.
${o.number === undefined ? '# number: 1' : `number: ${o.number}`}
# Inbox preview text shown after the subject (default: the lead article's dek or excerpt).
# preheader: ""
# digest: several article teasers; feature: one article in full.
layout: ${o.layout}
# Article slugs (file names in content/articles/ without .md), in order.${o.layout === 'feature' ? ' A feature shows the first.' : ''}
articles:
${list}${others}
---

Hi {{subscriber.name | default: "reader"}},

${SCAFFOLD_TEXTS.issue}
`;
}
