import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Delivers a message. With no mail server configured, messages are written to `<data-dir>/outbox/` as
 * .eml files (the way local tools deliver mail in development) and announced in the log.
 */
export function sendMail(ctx: Pick<AppContext, 'config' | 'log'>, mail: Mail, logLine?: string): string {
  const dir = path.join(ctx.config.dataDir, 'outbox');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}-${randomUUID().slice(0, 8)}.eml`);
  const message = [
    `To: ${mail.to}`,
    'From: clickd <clickd@localhost>',
    `Subject: ${mail.subject}`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    mail.text,
    '',
  ].join('\r\n');
  fs.writeFileSync(file, message, { mode: 0o600 });
  ctx.log?.info({ to: mail.to, file }, logLine ?? `mail "${mail.subject}" written to the outbox`);
  return file;
}
