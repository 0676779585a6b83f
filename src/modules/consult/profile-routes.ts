import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { invalidField } from '../../platform/errors.ts';
import { type App, ok } from '../../platform/http/app.ts';
import { msg } from '../../platform/messages/index.ts';
import { RULES } from '../../platform/ratelimit.ts';
import { fileUrl } from '../../platform/uploads/index.ts';
import { consultProfiles } from './schema.ts';
import type { Wallet } from './wallet.ts';

/** A Korean mobile number (010, 011, 016–019), with or without hyphens or spaces. */
const MOBILE = /^01[016-9][-\s]?\d{3,4}[-\s]?\d{4}$/;

/** Kept as digits only, so the same phone is one value however it was typed. */
export const normalizePhone = (raw: string) => raw.replace(/[-\s]/g, '');

const profilePatch = z
  .object({
    phone: z
      .string()
      .trim()
      .max(20, 'at most 20 characters')
      .regex(MOBILE, 'a Korean mobile number such as 010-1234-5678')
      .nullable()
      .optional(),
    imageFileId: z.uuid('not a file id').nullable().optional(),
  })
  .strict();

/**
 * The marketplace profile beside the platform account (`/consult/profile`): the phone calls come
 * from and the profile picture. Nickname and intro are the account's (PATCH /api/auth/profile).
 */
export function profileRoutes(app: App, ctx: Context, auth: Auth, wallet: Wallet) {
  const loggedIn = auth.guard();

  const answer = async (userId: string) => {
    const row = await wallet.profile(userId);
    const image = row?.imageFileId
      ? {
          id: row.imageFileId,
          url: fileUrl(row.imageFileId, '512'),
          thumb: fileUrl(row.imageFileId, '128'),
        }
      : null;
    return { phone: row?.phone ?? null, image };
  };

  app.get(
    '/api/consult/profile',
    {
      onRequest: loggedIn,
      schema: {
        tags: ['consult'],
        summary: 'Your marketplace profile: the phone you call from, your picture',
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { profile: await answer(user.id) });
    },
  );

  app.patch(
    '/api/consult/profile',
    {
      onRequest: loggedIn,
      config: { rateLimit: RULES.profileUser },
      schema: {
        tags: ['consult'],
        summary: 'Change the phone (a Korean mobile number) or the picture (an upload of yours); null clears',
        body: profilePatch,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const b = req.body;
      if (b.imageFileId) {
        if (!(await ctx.uploads.ownedBy(user.id, [b.imageFileId])).has(b.imageFileId))
          throw invalidField('body.imageFileId', msg('consult.not_your_image'));
      }
      await wallet.profile(user.id);
      const set: Partial<typeof consultProfiles.$inferInsert> = {};
      if (b.phone !== undefined) set.phone = b.phone === null ? null : normalizePhone(b.phone);
      if (b.imageFileId !== undefined) set.imageFileId = b.imageFileId;
      if (Object.keys(set).length)
        await ctx.database.db.update(consultProfiles).set(set).where(eq(consultProfiles.userId, user.id));
      return ok(reply, { profile: await answer(user.id) }, 'profile saved');
    },
  );
}
