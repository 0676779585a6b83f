import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { emit, once } from '../../platform/events/outbox.ts';
import type { Consumer } from '../../platform/events/types.ts';
import { msg } from '../../platform/messages/index.ts';
import { adminIds, tell, wordsIn } from './notices.ts';
import { type APPLICATION_STATES, consultApplications, SERVICES } from './schema.ts';
import { adminEmails } from './settings.ts';

// "Apply as a counselor": anyone may apply; the application is kept and mailed to the admin addresses
// (a setting). Sync links a counselor the 060 service lists to the application with the same e-mail.

/** Text made safe to put inside HTML (applicants' words are data). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const APPLICATION_RECEIVED = 'consult.application_received';

/** Korean mobile and landline numbers, with or without dashes. */
export const PHONE = /^0\d{1,2}-?\d{3,4}-?\d{4}$/;

export const applicationInput = z
  .object({
    name: z.string().trim().min(1, 'required').max(40, 'at most 40 characters'),
    email: z.email('an e-mail address').max(254),
    phone: z.string().trim().regex(PHONE, 'a phone number such as 010-1234-5678'),
    categories: z.array(z.string().trim().min(1).max(20)).max(10, 'at most 10').default([]),
    services: z.array(z.enum(SERVICES, { message: `one of ${SERVICES.join(', ')}` })).default([]),
    intro: z.string().max(2000, 'at most 2,000 characters').default(''),
    career: z.string().max(2000, 'at most 2,000 characters').default(''),
  })
  .strict();

export type ApplicationInput = z.infer<typeof applicationInput>;
export type ApplicationRow = typeof consultApplications.$inferSelect;

export class Applications {
  constructor(private readonly ctx: Context) {}

  async apply(input: ApplicationInput, userId?: string): Promise<ApplicationRow> {
    return this.ctx.tx(async (tx) => {
      const [row] = await tx
        .insert(consultApplications)
        .values({ ...input, email: input.email.toLowerCase(), userId: userId ?? null })
        .returning();
      await emit(tx, APPLICATION_RECEIVED, { applicationId: row?.id });
      return row as ApplicationRow;
    });
  }

  async list(state?: (typeof APPLICATION_STATES)[number]) {
    return this.ctx.database.db
      .select()
      .from(consultApplications)
      .where(state ? eq(consultApplications.state, state) : undefined)
      .orderBy(desc(consultApplications.createdAt))
      .limit(200);
  }

  async decide(id: string, state: 'accepted' | 'rejected'): Promise<ApplicationRow> {
    const [row] = await this.ctx.database.db
      .update(consultApplications)
      .set({ state, decidedAt: sql`now()` })
      .where(and(eq(consultApplications.id, id), eq(consultApplications.state, 'new')))
      .returning();
    if (row) return row;
    const [exists] = await this.ctx.database.db
      .select({ state: consultApplications.state })
      .from(consultApplications)
      .where(eq(consultApplications.id, id));
    if (!exists) throw notFound('application');
    throw conflict(msg('consult.application_decided', { state: exists.state }));
  }

  /** The newest application not rejected with this e-mail (sync links by it). */
  async byEmail(email: string): Promise<ApplicationRow | undefined> {
    const [row] = await this.ctx.database.db
      .select()
      .from(consultApplications)
      .where(
        and(
          sql`lower(${consultApplications.email}) = ${email.toLowerCase()}`,
          sql`${consultApplications.state} <> 'rejected'`,
        ),
      )
      .orderBy(desc(consultApplications.createdAt))
      .limit(1);
    return row;
  }

  /** Mails each new application to the admin addresses (and tells admins in the app). */
  consumer(): Consumer {
    return {
      name: 'consult-applications',
      topics: [APPLICATION_RECEIVED],
      handle: (event) =>
        once(this.ctx.database, 'consult-applications', event.id, async () => {
          const id = String(event.payload.applicationId);
          const [a] = await this.ctx.database.db
            .select()
            .from(consultApplications)
            .where(eq(consultApplications.id, id));
          if (!a) return;
          const link = `${this.ctx.config.publicUrl}/consult/admin/applications`;
          const lines = [
            `이름 / Name: ${a.name}`,
            `이메일 / E-mail: ${a.email}`,
            `전화 / Phone: ${a.phone}`,
            `분야 / Categories: ${a.categories.join(', ')}`,
            `상담 방식 / Services: ${a.services.join(', ')}`,
            '',
            a.intro,
            '',
            a.career,
            '',
            link,
          ];
          for (const to of this.ctx.settings.get(adminEmails)) {
            await this.ctx.mailer.send({
              key: `consult.application.${a.id}.${to}`,
              to,
              subject: `[상담사 지원] ${a.name.replace(/[\r\n]+/g, ' ')} / Counselor application`,
              text: lines.join('\n'),
              html: `<pre style="font:inherit;white-space:pre-wrap">${escapeHtml(lines.join('\n'))}</pre>`,
            });
          }
          for (const adminId of await adminIds(this.ctx)) {
            await tell(this.ctx, adminId, (lang) => ({
              kind: 'consult.application',
              title: wordsIn(lang)('consult.notice_application_title'),
              body: `${a.name} (${a.email})`,
              link: '/consult/admin/applications',
            }));
          }
        }),
    };
  }
}
