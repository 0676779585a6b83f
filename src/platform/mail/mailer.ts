import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../db.ts';
import { mailboxMessages } from '../schema.ts';

export type MailAttachment = {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Set for inline images referenced as cid:… from the HTML. */
  cid?: string;
};

export type Mail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
};

const templatesDir = resolve(dirname(fileURLToPath(import.meta.url)), 'templates');

const layout = new Eta({ views: templatesDir, autoEscape: true, cache: true });

/**
 * A renderer for one folder of Eta mail templates, wrapped in the shared layout. Values are
 * auto-escaped, so user text in a mail never becomes markup.
 */
export function mailTemplates(views: string) {
  const eta = new Eta({ views, autoEscape: true, cache: true });
  return (name: string, data: Record<string, unknown>, title: string) =>
    layout.render('layout', { title, body: eta.render(name, data) });
}

export const renderPlatformMail = mailTemplates(templatesDir);

/**
 * Sends mail over SMTP_URL, or keeps it in the built-in mailbox (a table the web UI reads).
 * send() resolves only once the SMTP server accepted the message (or the row is stored).
 */
export class Mailer {
  private readonly transport: Transporter;
  readonly kind: 'smtp' | 'mailbox';

  constructor(
    private readonly database: Database,
    private readonly from: string,
    smtpUrl?: string,
  ) {
    this.kind = smtpUrl ? 'smtp' : 'mailbox';
    this.transport = smtpUrl
      ? nodemailer.createTransport(smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: Mail): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      attachments: mail.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
        cid: a.cid,
        contentDisposition: a.cid ? 'inline' : 'attachment',
      })),
    });
    if (this.kind === 'mailbox') {
      const raw = (info as unknown as { message: Buffer }).message;
      await this.database.db.insert(mailboxMessages).values({
        messageId: info.messageId,
        from: this.from,
        to: [mail.to],
        subject: mail.subject,
        raw,
      });
    }
    return { messageId: info.messageId };
  }

  close() {
    this.transport.close();
  }
}
