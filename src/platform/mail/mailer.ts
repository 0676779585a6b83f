import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { Eta } from 'eta';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db.ts';
import { langOf, render } from '../messages/index.ts';
import { mailsSent } from '../metrics.ts';
import { mailboxMessages } from '../schema.ts';
import { type ComposeAttachment, MailComposer } from './composer.ts';

/**
 * A file sent with the mail: bytes, or a QR code drawn as a PNG when the mail is composed (off the
 * main thread). `cid` is set for inline images the HTML references as cid:….
 */
type MailAttachment = ComposeAttachment;

export type Mail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
  /**
   * A key that is the same for every attempt at this one mail, e.g. `<event id>.ticket`. It becomes
   * the Message-ID, so a copy sent again after a crash or a lost SMTP reply can be dropped by the
   * receiver (and is by the built-in mailbox).
   */
  key?: string;
};

const templatesDir = resolve(dirname(fileURLToPath(import.meta.url)), 'templates');

const layout = new Eta({ views: templatesDir, autoEscape: true, cache: true });

/**
 * A renderer for one folder of Eta mail templates, wrapped in the shared layout. Values are
 * auto-escaped, so user text in a mail never becomes markup. The words come in `data` already in
 * the reader's language (`data.lang`, from the message catalog), so a template only fills them in.
 */
export function mailTemplates(views: string) {
  const eta = new Eta({ views, autoEscape: true, cache: true });
  return (name: string, data: Record<string, unknown>, title: string) => {
    const lang = langOf(typeof data.lang === 'string' ? data.lang : undefined) === 'en' ? 'en' : 'ko';
    return layout.render('layout', {
      title,
      body: eta.render(name, data),
      lang,
      footer: render('mail.automated', undefined, lang),
    });
  };
}

export const renderPlatformMail = mailTemplates(templatesDir);

/** The domain of the sender address ("yeyak <no-reply@example.org>" → example.org). */
function domainOf(from: string): string {
  const at = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return at ? at[1].toLowerCase() : 'yeyak.local';
}

/** `<key@domain>`, with a key that is not a plain dot-atom replaced by its hash. */
function stableMessageId(key: string, from: string): string {
  const local = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/.test(key)
    ? key
    : createHash('sha256').update(key).digest('hex').slice(0, 40);
  return `<${local}@${domainOf(from)}>`;
}

// Bounds on one SMTP conversation: a stuck server fails the attempt (it is retried later) instead
// of holding the delivery claim for nodemailer's 10-minute default.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * A few SMTP connections kept open and reused: a new connection (greeting, EHLO, maybe TLS and AUTH)
 * per mail costs more than the mail. nodemailer's pool sends up to 100 mails per connection, then
 * opens a fresh one.
 */
export const SMTP_POOL = { pool: true, maxConnections: 5, maxMessages: 100 } as const;

/**
 * Sends mail over SMTP_URL, or keeps it in the built-in mailbox (a table the web UI reads).
 * send() resolves only once the SMTP server accepted the message (or the row is stored).
 */
export class Mailer {
  /** The SMTP pool, made at the first mail (nodemailer is loaded then, not at start). */
  private transport: Promise<Transporter> | undefined;
  private readonly composer = new MailComposer();
  readonly kind: 'smtp' | 'mailbox';

  constructor(
    private readonly database: Database,
    private readonly from: string,
    private readonly smtpUrl?: string,
  ) {
    this.kind = smtpUrl ? 'smtp' : 'mailbox';
  }

  private smtp(url: string): Promise<Transporter> {
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url, ...SMTP_POOL, ...SMTP_TIMEOUTS } as Parameters<
        typeof nodemailer.createTransport
      >[0]),
    );
    return this.transport;
  }

  async send(mail: Mail): Promise<{ messageId: string }> {
    const sent = await this.deliver(mail);
    mailsSent.inc({ transport: this.kind });
    return sent;
  }

  private async deliver(mail: Mail): Promise<{ messageId: string }> {
    const messageId = mail.key ? stableMessageId(mail.key, this.from) : undefined;
    if (messageId && this.kind === 'mailbox') {
      // The mailbox is the receiver here: it keeps one copy per Message-ID.
      const [seen] = await this.database.db
        .select({ id: mailboxMessages.id })
        .from(mailboxMessages)
        .where(eq(mailboxMessages.messageId, messageId))
        .limit(1);
      if (seen) return { messageId };
    }
    // The bytes are made in a worker thread; this thread only moves them to SMTP or the mailbox.
    const composed = await this.composer.compose(
      {
        messageId,
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        attachments: mail.attachments,
      },
      this.smtpUrl ? 'windows' : 'unix',
    );
    if (this.smtpUrl) {
      const transport = await this.smtp(this.smtpUrl);
      await transport.sendMail({ envelope: composed.envelope, raw: composed.raw });
    } else {
      await this.database.db.insert(mailboxMessages).values({
        messageId: composed.messageId,
        from: this.from,
        to: [mail.to],
        subject: mail.subject,
        raw: composed.raw,
      });
    }
    return { messageId: composed.messageId };
  }

  async close() {
    const transport = this.transport;
    this.transport = undefined;
    if (transport) (await transport).close();
    await this.composer.close();
  }
}
