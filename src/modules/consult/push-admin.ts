import { and, asc, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../../platform/context.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import { eventUuid } from '../../platform/notify/index.ts';
import { AD_PREFIX, BATCH, next8Kst, type PushPayload, quietHours } from '../../platform/push/index.ts';
import { pushConsents, pushDevices } from '../../platform/push/schema.ts';
import { users } from '../../platform/schema.ts';
import { consultPushSends, PUSH_SEGMENTS } from './schema.ts';

// Admins' pushes from /consult/admin/push. Delivery is known only when a device's request was
// answered, so a send records its targets at once and our own job sends each batch through the
// platform's Push.runBatch, adding what came of it (sent → delivered; refused or gone → failed).
// Devices a push service asked to wait are retried by the platform's push.send jobs, whose outcome
// is not reported back: they stay counted as neither (the page shows them as pending).

export const PUSH_JOB = 'consult.push-send';

/** A path on this site: one leading slash, no scheme, no `//host`, no backslash or spaces. */
const SITE_PATH = /^\/(?![/\\])[^\s\\]*$/;

export const pushInput = z
  .object({
    title: z.string().trim().min(1, 'required').max(60, 'at most 60 characters'),
    body: z.string().trim().min(1, 'required').max(300, 'at most 300 characters'),
    link: z
      .string()
      .trim()
      .max(300, 'at most 300 characters')
      .regex(SITE_PATH, 'a path on this site, such as /consult')
      .or(z.literal(''))
      .optional(),
    segment: z.enum(PUSH_SEGMENTS, { message: `one of ${PUSH_SEGMENTS.join(', ')}` }),
    test: z.boolean().default(false),
  })
  .strict();
export type PushInput = z.infer<typeof pushInput>;

type SendJobData = { sendId: string; devices: string[]; payload: PushPayload; userId?: string };
type Target = { id: string; night: boolean };
export type PushSendRow = typeof consultPushSends.$inferSelect;

export const pushSendView = (r: PushSendRow & { sentByEmail?: string | null }) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  link: r.link,
  segment: r.segment,
  test: r.test,
  sentBy: r.sentByEmail ?? null,
  targets: r.targets,
  delivered: r.delivered,
  failed: r.failed,
  pending: Math.max(0, r.targets - r.delivered - r.failed),
  createdAt: r.createdAt.toISOString(),
});
export type PushSendView = ReturnType<typeof pushSendView>;

export class PushAdmin {
  constructor(private readonly ctx: Context) {}

  /**
   * The devices a segment reaches: active accounts with push consent (and marketing consent for the
   * advertising segment); a test reaches only the sender's own devices.
   */
  async targets(segment: PushInput['segment'], testUserId?: string): Promise<Target[]> {
    const where: SQL[] = [eq(pushConsents.push, true), eq(users.state, 'active')];
    if (testUserId) where.push(eq(pushDevices.userId, testUserId));
    else if (segment === 'users') where.push(eq(users.role, 'user'));
    else if (segment === 'counselors') where.push(eq(users.role, 'counselor'));
    else if (segment === 'marketing') where.push(eq(pushConsents.marketing, true));
    const rows = await this.ctx.database.db
      .select({ id: pushDevices.id, night: pushConsents.night })
      .from(pushDevices)
      .innerJoin(pushConsents, eq(pushConsents.userId, pushDevices.userId))
      .innerJoin(users, eq(users.id, pushDevices.userId))
      .where(and(...where))
      .orderBy(asc(pushDevices.id));
    return rows.map((r) => ({ id: r.id, night: Boolean(r.night) }));
  }

  /** What a recipient sees: an advertisement carries "(광고)" and how to opt out (정보통신망법 제50조). */
  payload(input: PushInput): PushPayload {
    const link = input.link || '/consult';
    if (input.segment !== 'marketing')
      return { kind: 'consult.notice', title: input.title, body: input.body, link };
    const title = input.title.startsWith(AD_PREFIX) ? input.title : `${AD_PREFIX} ${input.title}`;
    return {
      // A test is the admin's own look at it, sent whatever their marketing consent says.
      kind: input.test ? 'consult.notice' : 'marketing',
      title,
      body: `${input.body}\n수신거부: 알림 설정 / Opt out: notification settings`,
      link,
    };
  }

  async send(input: PushInput, adminId: string, now = new Date()): Promise<PushSendRow> {
    const devices = await this.targets(input.segment, input.test ? adminId : undefined);
    if (input.test && devices.length === 0)
      throw new AppError(409, msg('consult.no_push_device'), {
        errors: [fieldError('body.test', msg('consult.no_push_device'))],
      });
    const payload = this.payload(input);
    const [row] = await this.ctx.database.db
      .insert(consultPushSends)
      .values({
        title: input.title,
        body: input.body,
        link: input.link || null,
        segment: input.segment,
        test: input.test,
        sentBy: adminId,
        targets: devices.length,
      })
      .returning();
    const send = row as PushSendRow;
    // Advertising between 21:00 and 08:00 KST waits for 08:00 unless the person allowed night pushes.
    const quiet = payload.kind === 'marketing' && quietHours(now);
    const groups: [string[], Date][] = [
      [devices.filter((d) => !quiet || d.night).map((d) => d.id), now],
      [devices.filter((d) => quiet && !d.night).map((d) => d.id), next8Kst(now)],
    ];
    const jobs = [];
    for (const [ids, startAfter] of groups)
      for (let i = 0; i < ids.length; i += BATCH)
        jobs.push({
          // Derived ids: queueing the same batch twice is skipped by the queue.
          id: eventUuid(`consult-push:${send.id}:${startAfter.getTime()}:${i}`),
          name: PUSH_JOB,
          data: {
            sendId: send.id,
            devices: ids.slice(i, i + BATCH),
            payload,
            userId: input.test ? adminId : undefined,
          } satisfies SendJobData,
          startAfter,
        });
    try {
      await this.ctx.jobs.insert(jobs);
    } catch (err) {
      // Nothing was queued: the history must not claim a send.
      await this.ctx.database.db.delete(consultPushSends).where(eq(consultPushSends.id, send.id));
      throw err;
    }
    return send;
  }

  async history(before?: Date, limit = 50) {
    const rows = await this.ctx.database.db
      .select({ s: consultPushSends, email: users.email })
      .from(consultPushSends)
      .leftJoin(users, eq(users.id, consultPushSends.sentBy))
      .where(before ? lt(consultPushSends.createdAt, before) : undefined)
      .orderBy(desc(consultPushSends.createdAt))
      .limit(limit);
    return rows.map((r) => pushSendView({ ...r.s, sentByEmail: r.email }));
  }

  async byId(id: string) {
    const [r] = await this.ctx.database.db
      .select({ s: consultPushSends, email: users.email })
      .from(consultPushSends)
      .leftJoin(users, eq(users.id, consultPushSends.sentBy))
      .where(eq(consultPushSends.id, id));
    return r ? pushSendView({ ...r.s, sentByEmail: r.email }) : undefined;
  }

  jobs(): JobSpec<never>[] {
    const spec: JobSpec<SendJobData> = {
      name: PUSH_JOB,
      handler: async (data) => {
        const tally = await this.ctx.push.runBatch({
          devices: data.devices,
          payload: data.payload,
          round: 0,
          userId: data.userId,
        });
        await this.ctx.database.db
          .update(consultPushSends)
          .set({
            delivered: sql`${consultPushSends.delivered} + ${tally.sent}`,
            failed: sql`${consultPushSends.failed} + ${tally.failed + tally.gone}`,
          })
          .where(eq(consultPushSends.id, data.sendId));
      },
      // A retried job would push twice to those already reached: sends are not repeated.
      options: { retryLimit: 0 },
    };
    return [spec as unknown as JobSpec<never>];
  }
}
