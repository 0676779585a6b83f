/**
 * A user's push consents: push at all, marketing (advertising) pushes, and marketing at night
 * (21:00–08:00 Korea time). Each keeps the moment it was last given or withdrawn. A change is
 * written with an outbox event in the same transaction, and the event mails the user a
 * confirmation (Korean law asks that the sender tell the recipient the result of a consent
 * change; the mail is that record).
 */
import { eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Db } from '../db.ts';
import { emit, once } from '../events/outbox.ts';
import type { Consumer } from '../events/types.ts';
import { users } from '../schema.ts';
import { pushConsents } from './schema.ts';

export const CONSENTS = ['push', 'marketing', 'night'] as const;
export type ConsentName = (typeof CONSENTS)[number];
export type ConsentState = { given: boolean; at: string | null };
export type Consents = Record<ConsentName, ConsentState>;
export type ConsentsInput = Partial<Record<ConsentName, boolean>>;

export const CONSENT_TOPIC = 'push.consent_changed';

type Row = typeof pushConsents.$inferSelect;
const AT = { push: 'pushAt', marketing: 'marketingAt', night: 'nightAt' } as const;

const view = (r: Row | undefined): Consents =>
  Object.fromEntries(
    CONSENTS.map((c) => [c, { given: r?.[c] ?? false, at: r?.[AT[c]]?.toISOString() ?? null }]),
  ) as Consents;

/** The consent names and what giving / withdrawing says, in Korean and English. */
const WORDS: Record<ConsentName, { ko: string; en: string }> = {
  push: { ko: '앱·브라우저 푸시 알림', en: 'push notifications (app and browser)' },
  marketing: { ko: '광고성 정보 푸시 수신', en: 'advertising (marketing) pushes' },
  night: { ko: '야간(21시~08시) 광고성 정보 수신', en: 'advertising pushes at night (21:00–08:00 KST)' },
};

/** 2026-12-03 17:05 (KST): the time as a Korean reader and the law count it. */
export function kstText(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 9 * 3600_000);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} (KST)`;
}

export class ConsentStore {
  constructor(private readonly ctx: Pick<Context, 'tx' | 'mailer' | 'database' | 'config'>) {}

  private get db(): Db {
    return this.ctx.database.db;
  }

  async get(userId: string): Promise<Consents> {
    const [r] = await this.db.select().from(pushConsents).where(eq(pushConsents.userId, userId));
    return view(r);
  }

  /**
   * Applies the consents that change (the same value again keeps its first time) and, when any
   * did, writes the confirmation event with them; answers all consents as get() does.
   */
  async set(userId: string, input: ConsentsInput): Promise<Consents> {
    return this.ctx.tx(async (tx) => {
      const [r] = await tx.select().from(pushConsents).where(eq(pushConsents.userId, userId)).for('update');
      const now = new Date();
      const changed = CONSENTS.filter((c) => input[c] !== undefined && input[c] !== (r?.[c] ?? false));
      if (!changed.length) return view(r);
      const values: Partial<Row> = {};
      for (const c of changed) Object.assign(values, { [c]: input[c], [AT[c]]: now });
      const [row] = await tx
        .insert(pushConsents)
        .values({ userId, ...values })
        .onConflictDoUpdate({ target: pushConsents.userId, set: values })
        .returning();
      await emit(tx, CONSENT_TOPIC, {
        userId,
        changes: changed.map((c) => ({ consent: c, given: input[c], at: now.toISOString() })),
      });
      return view(row);
    });
  }

  /** Mails the confirmation of a change, once per event (the Message-ID is the event's). */
  consumer(): Consumer {
    return {
      name: 'push-consent-mail',
      topics: [CONSENT_TOPIC],
      handle: (event) =>
        once(this.ctx.database, 'push-consent-mail', event.id, async () => {
          const [u] = await this.db
            .select({ email: users.email, name: users.name, lang: users.lang })
            .from(users)
            .where(eq(users.id, String(event.payload.userId)));
          if (!u) return;
          const changes = (event.payload.changes ?? []) as {
            consent: ConsentName;
            given: boolean;
            at: string;
          }[];
          const mail = consentMail(
            changes,
            `${this.ctx.config.publicUrl}/account/notifications`,
            u.lang === 'en' ? 'en' : 'ko',
          );
          await this.ctx.mailer.send({ key: `${event.id}.consent`, to: u.email, ...mail });
        }),
    };
  }
}

const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The confirmation: what changed and when, who sent it, and where to change it again, in the
 * user's language (users.lang; Korean unless English).
 */
export function consentMail(
  changes: { consent: ConsentName; given: boolean; at: string }[],
  settingsUrl: string,
  lang: 'ko' | 'en' = 'ko',
): { subject: string; text: string; html: string } {
  const ko = lang === 'ko';
  const subject = ko ? '[yeyak] 수신 동의 변경 안내' : '[yeyak] Your consent changed';
  const lines = changes.map(
    (c) =>
      `- ${WORDS[c.consent][lang]}: ${ko ? (c.given ? '동의' : '철회') : c.given ? 'given' : 'withdrawn'} (${kstText(c.at)})`,
  );
  const text = [
    subject,
    ...lines,
    ko ? `언제든 여기에서 바꿀 수 있습니다: ${settingsUrl}` : `Change it at any time: ${settingsUrl}`,
  ].join('\n');
  const list = `<ul>${lines.map((l) => `<li>${esc(l.slice(2))}</li>`).join('')}</ul>`;
  const html = [
    `<p>${esc(subject)}</p>`,
    list,
    ko
      ? `<p>언제든 <a href="${esc(settingsUrl)}">알림 설정</a>에서 바꿀 수 있습니다.</p>`
      : `<p>Change it at any time in your <a href="${esc(settingsUrl)}">notification settings</a>.</p>`,
  ].join('\n');
  return { subject, text, html };
}
