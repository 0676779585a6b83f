import { desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.ts';
import { notFound } from '../errors.ts';
import { mailboxMessages } from '../schema.ts';

/** mailparser is loaded when someone first opens a mail in the built-in mailbox, not at start. */
async function simpleParser(...args: Parameters<typeof import('mailparser').simpleParser>) {
  const { simpleParser: parse } = await import('mailparser');
  return parse(...args);
}

export type MailboxSummary = { id: number; from: string; to: string[]; subject: string; createdAt: string };
export type MailboxMessage = MailboxSummary & {
  html: string | null;
  text: string | null;
  attachments: { index: number; filename: string; contentType: string; size: number; cid: string | null }[];
};

/** Reads the built-in mailbox. `onlyTo` limits it to one recipient (a user reading their own mail). */
export class Mailbox {
  constructor(private readonly database: Database) {}

  async list(opts: { onlyTo?: string; limit?: number } = {}): Promise<MailboxSummary[]> {
    const rows = await this.database.db
      .select({
        id: mailboxMessages.id,
        from: mailboxMessages.from,
        to: mailboxMessages.to,
        subject: mailboxMessages.subject,
        createdAt: mailboxMessages.createdAt,
      })
      .from(mailboxMessages)
      .where(
        opts.onlyTo
          ? sql`lower(${opts.onlyTo}) = any(select lower(x) from unnest(${mailboxMessages.to}) x)`
          : undefined,
      )
      .orderBy(desc(mailboxMessages.id))
      .limit(opts.limit ?? 200);
    return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  private async load(id: number, onlyTo?: string) {
    const [row] = await this.database.db.select().from(mailboxMessages).where(eq(mailboxMessages.id, id));
    if (!row) throw notFound('mail');
    if (onlyTo && !row.to.some((t) => t.toLowerCase() === onlyTo.toLowerCase())) throw notFound('mail');
    return row;
  }

  async raw(id: number, onlyTo?: string): Promise<Buffer> {
    return (await this.load(id, onlyTo)).raw;
  }

  /** The parsed message; inline images are pointed at the part endpoint instead of cid: URLs. */
  async get(
    id: number,
    opts: { onlyTo?: string; partUrl: (index: number) => string },
  ): Promise<MailboxMessage> {
    const row = await this.load(id, opts.onlyTo);
    // Keep cid: links (mailparser would inline them as data URIs) and point them at the part endpoint.
    const parsed = await simpleParser(row.raw, { keepCidLinks: true });
    let html = typeof parsed.html === 'string' ? parsed.html : null;
    const attachments = parsed.attachments.map((a, index) => ({
      index,
      filename: a.filename ?? `part-${index}`,
      contentType: a.contentType,
      size: a.size,
      cid: a.cid ?? null,
    }));
    if (html) {
      for (const a of attachments) {
        if (a.cid) html = html.split(`cid:${a.cid}`).join(opts.partUrl(a.index));
      }
    }
    return {
      id: row.id,
      from: row.from,
      to: row.to,
      subject: row.subject,
      createdAt: row.createdAt.toISOString(),
      html,
      text: parsed.text ?? null,
      attachments,
    };
  }

  async part(id: number, index: number, onlyTo?: string) {
    const row = await this.load(id, onlyTo);
    const parsed = await simpleParser(row.raw);
    const a = parsed.attachments[index];
    if (!a) throw notFound('attachment');
    return { filename: a.filename ?? `part-${index}`, contentType: a.contentType, content: a.content };
  }
}
