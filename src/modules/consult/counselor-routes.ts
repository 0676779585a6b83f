import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { AppError, fieldError, invalidField, notFound } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { msg } from '../../platform/messages/index.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import { users } from '../../platform/schema.ts';
import { type Applications, applicationInput } from './applications.ts';
import type { CounselorRow, Counselors } from './counselors.ts';
import { COUNSELOR_STATES, consultCounselors, SERVICES } from './schema.ts';
import { categories } from './settings.ts';
import type { CounselorSync } from './sync.ts';
import type { Wallet } from './wallet.ts';

const tags = ['consult'];
/** Applications per client address: a person applies once or twice, a script many times. */
const APPLY_RULE: Rule = { name: 'consult-apply.address', limit: 5, windowSeconds: 3600 };
const idParams = z.object({ id: z.uuid('a counselor id (UUID)') }).strict();

/** What a counselor edits of their own profile. */
const profileInput = z
  .object({
    contact: z.string().trim().max(200, 'at most 200 characters'),
    address: z.string().trim().max(200, 'at most 200 characters'),
    categories: z.array(z.string().trim().min(1).max(20)).max(10, 'at most 10'),
    services: z.array(z.enum(SERVICES, { message: `one of ${SERVICES.join(', ')}` })).max(SERVICES.length),
    autoOnline: z.boolean(),
    imageFileId: z.uuid('an uploaded file id').nullable(),
    intro: z.string().max(500, 'at most 500 characters'),
    detail: z.string().max(5000, 'at most 5,000 characters'),
  })
  .partial()
  .strict();

const adminInput = z
  .object({
    searchWeight: z.number().int('a whole number').min(-1000).max(1000),
    state: z.enum(COUNSELOR_STATES),
    memo: z.string().max(5000, 'at most 5,000 characters'),
  })
  .partial()
  .strict();

/** A counselor as they see themselves: their profile, never the admins' weight, state detail or memo. */
function ownView(c: CounselorRow, earned: number) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    grade: c.grade,
    ratePer30s: c.ratePer30s,
    lineStatus: c.lineStatus,
    state: c.state,
    contact: c.contact,
    address: c.address,
    categories: c.categories,
    services: c.services,
    autoOnline: c.autoOnline,
    imageFileId: c.imageFileId,
    intro: c.intro,
    detail: c.detail,
    likeCount: c.likeCount,
    reviewCount: c.reviewCount,
    rating: c.reviewCount ? Math.round((c.ratingSum / c.reviewCount) * 10) / 10 : null,
    earned,
  };
}

/** The admins' view: everything, with the linked account's e-mail. */
const adminView = (c: CounselorRow, email: string | null) => ({
  ...c,
  email,
  goneAt: c.goneAt?.toISOString() ?? null,
  syncedAt: c.syncedAt.toISOString(),
  lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/**
 * Counselors: applying, the admins' list (sync with 060, link to an account, weight, state, memo),
 * and a counselor's own profile and line status.
 */
export function counselorRoutes(
  app: App,
  ctx: Context,
  auth: Auth,
  d: { counselors: Counselors; applications: Applications; sync: CounselorSync; wallet: Wallet },
) {
  const admin = auth.guard(['admin']);
  const counselor = auth.guard(['counselor', 'admin']);

  app.post(
    '/api/consult/applications',
    {
      config: { rateLimit: { rule: APPLY_RULE, by: 'address' } },
      schema: { tags, summary: 'Apply as a counselor (mailed to the admins)', body: applicationInput },
    },
    async (req, reply) => {
      const user = await auth.optional(req).catch(() => undefined);
      const allowed = new Set(ctx.settings.get(categories));
      req.body.categories.forEach((c, i) => {
        if (!allowed.has(c))
          throw invalidField(
            `body.categories.${i}`,
            msg('validation.one_of', { values: [...allowed].join(', ') }),
          );
      });
      const a = await d.applications.apply(req.body, user?.id);
      return envelope(reply, 201, 'application received', { id: a.id, state: a.state });
    },
  );

  app.get(
    '/api/consult/admin/applications',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Counselor applications, newest first',
        querystring: z.object({ state: z.enum(['new', 'accepted', 'rejected']).optional() }).strict(),
      },
    },
    async (req, reply) => ok(reply, { applications: await d.applications.list(req.query.state) }),
  );

  app.post(
    '/api/consult/admin/applications/:id/decision',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Accept or reject an application',
        params: z.object({ id: z.uuid('an application id (UUID)') }).strict(),
        body: z.object({ state: z.enum(['accepted', 'rejected']) }).strict(),
      },
    },
    async (req, reply) =>
      ok(reply, { application: await d.applications.decide(req.params.id, req.body.state) }),
  );

  app.get(
    '/api/consult/admin/counselors',
    { onRequest: admin, schema: { tags, summary: 'Every counselor the 060 service listed, linked or not' } },
    async (_req, reply) => {
      const rows = await ctx.database.db
        .select({
          c: consultCounselors,
          email: sql<string | null>`(select email from users u where u.id = ${consultCounselors.userId})`,
        })
        .from(consultCounselors)
        .orderBy(sql`${consultCounselors.userId} is not null`, desc(consultCounselors.createdAt));
      return ok(reply, { counselors: rows.map((r) => adminView(r.c, r.email)) });
    },
  );

  app.post(
    '/api/consult/admin/counselors/sync',
    { onRequest: admin, schema: { tags, summary: 'Read the 060 service’s counselors now' } },
    async (_req, reply) => ok(reply, { result: await d.sync.sync() }, 'synced'),
  );

  app.post(
    '/api/consult/admin/counselors/:id/link',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Link a counselor to the account with this e-mail (made and invited when there is none)',
        params: idParams,
        body: z.object({ email: z.email('an e-mail address').max(254) }).strict(),
      },
    },
    async (req, reply) => {
      const c = await d.sync.linkByEmail(req.params.id, req.body.email);
      return ok(reply, { counselor: adminView(c, req.body.email.toLowerCase()) }, 'linked');
    },
  );

  app.patch(
    '/api/consult/admin/counselors/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Search weight, state and memo (admins only)',
        params: idParams,
        body: adminInput,
      },
    },
    async (req, reply) => {
      const actor = await auth.require(req);
      const [row] = await ctx.database.db
        .update(consultCounselors)
        .set({ ...req.body, updatedAt: sql`now()` })
        .where(eq(consultCounselors.id, req.params.id))
        .returning();
      if (!row) throw notFound('counselor');
      await ctx.serverLog.write({
        level: 'info',
        source: 'consult',
        // The memo's words stay out of the log: only that it changed.
        message: `counselor ${row.code} changed: ${Object.keys(req.body).join(', ')}`,
        data: {
          counselorId: row.id,
          searchWeight: req.body.searchWeight ?? null,
          state: req.body.state ?? null,
        },
        actorId: actor.id,
        requestId: req.id,
      });
      const [linked] = row.userId
        ? await ctx.database.db.select({ email: users.email }).from(users).where(eq(users.id, row.userId))
        : [];
      return ok(reply, { counselor: adminView(row, linked?.email ?? null) });
    },
  );

  async function mine(userId: string) {
    const c = await d.counselors.byUser(userId);
    if (!c) throw notFound('counselor profile');
    return c;
  }

  app.get(
    '/api/consult/me/counselor',
    { onRequest: counselor, schema: { tags, summary: 'Your counselor profile, with what you earned' } },
    async (req, reply) => {
      const user = await auth.require(req);
      const c = await mine(user.id);
      const payable = await d.wallet.payable(user.id);
      return ok(reply, { counselor: ownView(c, payable.balance) });
    },
  );

  app.patch(
    '/api/consult/me/counselor',
    { onRequest: counselor, schema: { tags, summary: 'Edit your counselor profile', body: profileInput } },
    async (req, reply) => {
      const user = await auth.require(req);
      const c = await mine(user.id);
      const allowed = new Set(ctx.settings.get(categories));
      req.body.categories?.forEach((x, i) => {
        if (!allowed.has(x))
          throw invalidField(
            `body.categories.${i}`,
            msg('validation.one_of', { values: [...allowed].join(', ') }),
          );
      });
      if (req.body.imageFileId) {
        if (!(await ctx.uploads.ownedBy(user.id, [req.body.imageFileId])).has(req.body.imageFileId))
          throw invalidField('body.imageFileId', msg('consult.own_picture'));
      }
      const [row] = await ctx.database.db
        .update(consultCounselors)
        .set({ ...req.body, updatedAt: sql`now()` })
        .where(eq(consultCounselors.id, c.id))
        .returning();
      const payable = await d.wallet.payable(user.id);
      return ok(reply, { counselor: ownView(row as CounselorRow, payable.balance) }, 'saved');
    },
  );

  app.post(
    '/api/consult/me/counselor/status',
    {
      onRequest: counselor,
      schema: {
        tags,
        summary: 'Go online or offline at the 060 service by hand (with auto-online off)',
        body: z.object({ online: z.boolean() }).strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const c = await mine(user.id);
      if (c.autoOnline)
        throw new AppError(409, 'auto-online decides your status; turn it off to set it by hand', {
          errors: [fieldError('body.online', msg('consult.auto_online'))],
        });
      if (c.lineStatus === 'busy') throw new AppError(409, 'you are in a call');
      const status = await d.sync.setStatus(c.id, c.code, req.body.online ? 'online' : 'offline');
      return ok(reply, { lineStatus: status });
    },
  );
}
