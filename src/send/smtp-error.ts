import os from 'node:os';

// The shapes Gazette's SMTP client (smtp-bulk.ts) shares with its pool: errors with nodemailer's codes.

export interface SmtpError extends Error {
  code: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export interface BulkTarget {
  host: string;
  port: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

export interface Reply {
  code: number;
  text: string;
}

export function smtpError(message: string, code: string, reply?: Reply, command?: string): SmtpError {
  const err = new Error(message) as SmtpError;
  err.code = code;
  if (reply) {
    err.response = reply.text;
    if (reply.code) err.responseCode = reply.code;
  }
  if (command) err.command = command;
  return err;
}

/** nodemailer's EHLO name: the host name when it is a FQDN, else [127.0.0.1]. */
export function ehloName(): string {
  let name = '';
  try {
    name = os.hostname();
  } catch {}
  if (!name?.includes('.')) return '[127.0.0.1]';
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) ? `[${name}]` : name.replace(/[\r\n]+/g, '');
}
