import { and, eq, isNotNull, isNull, max, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { hashPassword, randomToken } from '../../platform/crypto.ts';
import { selectRows } from '../../platform/db.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import { emit, once } from '../../platform/events/outbox.ts';
import type { Consumer } from '../../platform/events/types.ts';
import { langOf, msg } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import { type Applications, escapeHtml } from './applications.ts';
import type { Counselors, SyncResult } from './counselors.ts';
import { wordsIn } from './notices.ts';
import type { Phone060Link } from './phone060/config.ts';
import { consultCounselors } from './schema.ts';
import { syncMinutes } from './settings.ts';

// Keeping counselors in step with the 060 service: sync (the admin's button, the first start, an
// interval), linking each new counselor to an account by e-mail, the invitation mail, and auto-online
// (online at 060 while the counselor uses the app, offline otherwise).

export const COUNSELOR_INVITED = 'consult.counselor_invited';
export const SYNC_JOB = 'consult.sync-counselors';
export const AUTO_ONLINE_JOB = 'consult.auto-online';
/** A counselor who made no request for this long goes offline (auto-online). */
export const AWAY_MS = 10 * 60_000;

export type Phone = () => Phone060Link | undefined;

const told = new WeakSet<Phone060Link>();

/**
 * The 060 link, or a 409 when none is configured. The stand-in inside yeyak is told once where to
 * send call events (this server is listening by the time anything asks); a real vendor is told in
 * its own dashboard.
 */
export async function phoneOr409(phone: Phone, selfUrl: () => string): Promise<Phone060Link> {
  const link = phone();
  if (!link) throw new AppError(409, msg('consult.no_060'));
  if (link.standIn && !told.has(link)) {
    await link.client.registerWebhook(`${selfUrl()}/api/consult/phone060/webhook`);
    told.add(link);
  }
  return link;
}

export class CounselorSync {
  constructor(
    private readonly ctx: Context,
    private readonly counselors: Counselors,
    private readonly applications: Applications,
    private readonly phone: Phone,
  ) {}

  /** Reads the 060 list, applies it, and links new counselors to accounts by e-mail. */
  async sync(): Promise<SyncResult> {
    const link = await phoneOr409(this.phone, this.ctx.selfUrl);
    const lines = await link.client.listCounselors();
    const applied = await this.counselors.applyLines(lines);
    let linked = 0;
    for (const line of lines) {
      if (!line.email) continue;
      const [row] = await this.ctx.database.db
        .select()
        .from(consultCounselors)
        .where(and(eq(consultCounselors.code, line.code), isNull(consultCounselors.userId)));
      if (!row) continue;
      await this.linkByEmail(row.id, line.email);
      linked++;
    }
    this.ctx.log.info({ ...applied, linked }, 'consult: counselors synced with the 060 service');
    return { ...applied, linked };
  }

  /**
   * Links a counselor to the account with this e-mail; with none, makes one (named after the
   * application with that e-mail, if any) and invites its owner to set a password.
   */
  async linkByEmail(counselorId: string, email: string) {
    const address = email.trim().toLowerCase();
    const [existing] = await selectRows<{ id: string; state: string }>(
      this.ctx.database.db,
      sql`select id, state from users where lower(email) = ${address}`,
    );
    if (existing && existing.state !== 'active') {
      throw new AppError(409, msg('consult.account_state', { address, state: existing.state }), {
        errors: [fieldError('body.email', msg('consult.account_state_field', { state: existing.state }))],
      });
    }
    if (existing) return this.counselors.link(counselorId, existing.id);
    const application = await this.applications.byEmail(address);
    const counselor = await this.counselors.byIdOr404(counselorId);
    const passwordHash = await hashPassword(randomToken(24));
    const userId = await this.ctx.tx(async (tx) => {
      const [made] = await selectRows<{ id: string }>(
        tx,
        sql`insert into users (email, name, password_hash, role, verified_at)
            values (${address}, ${application?.name ?? counselor.name}, ${passwordHash}, 'counselor', now())
            returning id`,
      );
      const id = made?.id as string;
      await emit(tx, COUNSELOR_INVITED, { userId: id, counselorId });
      // The platform mails a code to set a password with (the reset flow).
      await emit(tx, 'account.code_requested', { userId: id, purpose: 'reset' });
      return id;
    });
    return this.counselors.link(counselorId, userId);
  }

  /** The invitation: you are a counselor on this marketplace; set a password to log in. */
  inviteConsumer(): Consumer {
    return {
      name: 'consult-invitations',
      topics: [COUNSELOR_INVITED],
      handle: (event) =>
        once(this.ctx.database, 'consult-invitations', event.id, async () => {
          const [u] = await selectRows<{ email: string; name: string; lang: string | null }>(
            this.ctx.database.db,
            sql`select email, name, lang from users where id = ${String(event.payload.userId)} and state = 'active'`,
          );
          if (!u) return;
          const url = `${this.ctx.config.publicUrl}/forgot-password`;
          // In the counselor's language (Korean unless their account says English).
          const t = wordsIn(langOf(u.lang));
          const text = [
            t('consult.mail_invite_welcome', { name: u.name }),
            t('consult.mail_invite_password', { url }),
          ].join('\n');
          await this.ctx.mailer.send({
            key: `consult.invite.${event.id}`,
            to: u.email,
            subject: t('consult.mail_invite_subject'),
            text,
            html: text
              .split('\n')
              .map((l) => `<p>${escapeHtml(l)}</p>`)
              .join(''),
          });
        }),
    };
  }

  /** Syncs when the table is empty (the first start) or the interval (a setting) has passed. */
  async syncIfDue(): Promise<SyncResult | undefined> {
    if (!this.phone()) return undefined;
    const [last] = await this.ctx.database.db
      .select({ at: max(consultCounselors.syncedAt) })
      .from(consultCounselors);
    const due = !last?.at || Date.now() - last.at.getTime() >= this.ctx.settings.get(syncMinutes) * 60_000;
    return due ? this.sync() : undefined;
  }

  /** Sets each auto-online counselor online at 060 while they use the app, offline after AWAY_MS. */
  async autoOnline(): Promise<number> {
    const link = this.phone();
    if (!link) return 0;
    const rows = await this.ctx.database.db
      .select()
      .from(consultCounselors)
      .where(
        and(
          eq(consultCounselors.autoOnline, true),
          isNotNull(consultCounselors.userId),
          isNull(consultCounselors.goneAt),
          sql`${consultCounselors.lineStatus} <> 'busy'`,
        ),
      );
    let changed = 0;
    for (const c of rows) {
      const here = !!c.lastSeenAt && Date.now() - c.lastSeenAt.getTime() < AWAY_MS;
      const want = here ? 'online' : 'offline';
      if (c.lineStatus === want) continue;
      await this.setStatus(c.id, c.code, want);
      changed++;
    }
    return changed;
  }

  /** Tells 060 and keeps its answer. */
  async setStatus(id: string, code: string, status: 'online' | 'offline' | 'busy') {
    const link = await phoneOr409(this.phone, this.ctx.selfUrl);
    const now = await link.client.setStatus(code, status);
    await this.ctx.database.db
      .update(consultCounselors)
      .set({ lineStatus: now, updatedAt: sql`now()` })
      .where(eq(consultCounselors.id, id));
    return now;
  }

  jobs(): JobSpec<never>[] {
    return [
      {
        name: SYNC_JOB,
        handler: async () => void (await this.syncIfDue()),
        options: { cron: '* * * * *', retryLimit: 0 },
      },
      {
        name: AUTO_ONLINE_JOB,
        handler: async () => void (await this.autoOnline()),
        options: { cron: '* * * * *', retryLimit: 0 },
      },
    ];
  }
}
