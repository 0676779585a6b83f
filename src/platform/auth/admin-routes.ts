import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { forbidden } from '../errors.ts';
import { type App, envelope, ok } from '../http/app.ts';
import { ACCOUNT_STATES, ROLES } from '../schema.ts';
import { type Actor, AdminUsers } from './admin.ts';
import type { LocalAdmin } from './local-admin.ts';
import { emailSchema } from './routes.ts';
import type { Auth } from './service.ts';

const role = z.enum(ROLES);
const password = z.string().min(8, 'at least 8 characters').max(200, 'at most 200 characters');

/**
 * Account management for admins (the web's users page), and for `yeyak users …` next to a running
 * server, which authenticates with the local admin token from 127.0.0.1 only.
 */
export function adminUserRoutes(app: App, ctx: Context, auth: Auth, local: LocalAdmin) {
  const admin = new AdminUsers(ctx, auth);
  const actor = async (req: FastifyRequest): Promise<Actor> => {
    const local_ = local.matches(req);
    if (local_ === 'yes') return {};
    if (local_ === 'not-local') throw forbidden('the local admin token works only from this machine');
    return { id: (await auth.require(req, ['admin'])).id };
  };
  const guard = { onRequest: async (req: FastifyRequest) => void (await actor(req)) };
  const id = z.object({ id: z.uuid('not a user id') }).strict();

  app.get(
    '/api/admin/users',
    {
      ...guard,
      schema: {
        tags: ['accounts'],
        summary: 'Accounts, newest first; q searches e-mail, nickname and name; role and state filter',
        querystring: z
          .object({
            q: z.string().trim().max(200).optional(),
            role: role.optional(),
            state: z.enum(ACCOUNT_STATES).optional(),
            page: z.coerce.number().int().min(1).max(100_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          })
          .strict(),
      },
    },
    async (req, reply) => ok(reply, await admin.list(req.query)),
  );

  app.post(
    '/api/admin/users',
    {
      ...guard,
      schema: {
        tags: ['accounts'],
        summary: 'Add a verified account (replace: update role and password of an existing one)',
        body: z
          .object({
            email: emailSchema,
            password,
            role: role.default('user'),
            name: z.string().trim().max(100).optional(),
            replace: z.boolean().default(false),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const { user, created } = await admin.add(req.body, await actor(req));
      return envelope(reply, created ? 201 : 200, created ? 'account created' : 'account updated', { user });
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      ...guard,
      schema: {
        tags: ['accounts'],
        summary: 'Change the role, the state (active or suspended), the admin memo or the name',
        params: id,
        body: z
          .object({
            role: role.optional(),
            state: z.enum(ACCOUNT_STATES).optional(),
            /** the older spelling of state: true = suspended, false = active */
            disabled: z.boolean().optional(),
            memo: z.string().trim().max(2000, 'at most 2,000 characters').optional(),
            name: z.string().trim().max(100).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => ok(reply, { user: await admin.update(await actor(req), req.params.id, req.body) }),
  );

  app.post(
    '/api/admin/users/:id/revoke-sessions',
    {
      ...guard,
      schema: { tags: ['accounts'], summary: 'End every session of the account', params: id },
    },
    async (req, reply) =>
      ok(reply, await admin.revokeSessions(await actor(req), req.params.id), 'sessions revoked'),
  );
}
