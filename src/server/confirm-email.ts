import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { BuildCache } from '../cache/build-cache.js';
import { compileMjml } from '../render/compile.js';
import { escapeHtml } from '../render/merge.js';
import { compileTheme, readTheme } from '../render/template.js';
import { themeOf } from '../render/theme.js';
import { headerSafe } from '../send/mime.js';
import type { OutgoingMessage } from '../send/message.js';
import type { Publication } from '../types.js';
import { directionOf } from '../util/direction.js';
import { GazetteError } from '../util/errors.js';

// The confirmation email of a sign-up: the theme's layouts/confirm.mjml.hbs (the root's own if it
// has one), Handlebars then MJML like an issue, composed by nodemailer's MailComposer and sent
// through the project's Transport. Only the link and the name differ from one sign-up to the next,
// so the MJML is rendered with fixed stand-ins for them and compiled once into the caller's
// BuildCache (the server keeps one for its run), and the real values, HTML-escaped, replace the
// stand-ins in the compiled HTML: a sign-up costs no theme or MJML compile (tens of ms of CPU).

/** Stand-ins that pass Handlebars, the url helper and MJML unchanged, and appear nowhere else. */
const LINK_STAND_IN = 'https://confirm.gazette.invalid/link';
const NAME_STAND_IN = 'GazetteSignupNameStandIn';

export interface ConfirmEmail {
  root: string;
  publication: Publication;
  to: string;
  /** From the form; header-safe (control characters removed) and capped before use. */
  name: string;
  confirmUrl: string;
  ttlHours: number;
  /** The theme and the compiled email, kept between sign-ups (without one, compiled every time). */
  cache?: BuildCache;
}

/** A name as it may appear in a header and in the email: no CR/LF/controls, at most 80 characters. */
export function cleanName(raw: unknown): string {
  return typeof raw === 'string' ? [...headerSafe(raw)].slice(0, 80).join('') : '';
}

export async function composeConfirmEmail(o: ConfirmEmail): Promise<OutgoingMessage> {
  const pub = o.publication;
  const { theme, diagnostics } = compileTheme(await readTheme(o.root, o.cache), o.cache);
  if (!theme)
    throw new GazetteError(`the theme does not compile: ${diagnostics[0]?.message ?? 'unknown error'}`, {
      code: 'template/error',
      file: diagnostics[0]?.file,
      hint: 'Fix the template named above; `gazette build` reports the same error.',
    });
  const title = `Confirm your subscription to ${pub.name}`;
  const lang = pub.language;
  const mjml = theme.render('confirm', {
    publication: pub,
    theme: themeOf(pub),
    issue: { title, lang, dir: directionOf(lang) },
    links: { confirm: LINK_STAND_IN, web: pub.url, archive: pub.url, unsubscribe: LINK_STAND_IN },
    signup: { name: o.name ? NAME_STAND_IN : '' },
    hours: o.ttlHours,
    year: new Date().getFullYear(),
  } as never);
  const { html: compiled, diagnostics: mjmlErrors } = await compileMjml(mjml, theme.files, o.cache);
  const html = compiled
    ?.replaceAll(LINK_STAND_IN, () => escapeHtml(o.confirmUrl))
    .replaceAll(NAME_STAND_IN, () => escapeHtml(o.name));
  if (!html)
    throw new GazetteError(`the confirmation email does not compile: ${mjmlErrors[0]?.message}`, {
      code: 'template/mjml',
      file: mjmlErrors[0]?.file,
      hint: 'Check templates/layouts/confirm.mjml.hbs.',
    });
  const text = [
    pub.name,
    '',
    `${o.name ? `Hello ${o.name}, someone` : 'Someone'} (hopefully you) asked to receive ${pub.name} at this address.`,
    'Open this link to confirm. If it was not you, ignore this email: nothing will be sent to you.',
    '',
    o.confirmUrl,
    '',
    `The link works for ${o.ttlHours} hours.`,
    pub.address,
    '',
  ].join('\n');
  const domain = pub.from.address.slice(pub.from.address.lastIndexOf('@') + 1);
  const messageId = `<confirm.${randomBytes(12).toString('hex')}@${domain}>`;
  const composer = new MailComposer({
    from: { name: pub.from.name, address: pub.from.address },
    to: o.name ? { name: o.name, address: o.to } : o.to,
    replyTo: pub.replyTo,
    subject: title,
    html,
    text,
    messageId,
    headers: { 'Auto-Submitted': 'auto-generated' },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await new Promise<Buffer>((resolve, reject) =>
    composer.compile().build((err, out) => (err ? reject(err) : resolve(out))),
  );
  return { email: o.to, messageId, envelope: { from: pub.from.address, to: o.to }, raw };
}
