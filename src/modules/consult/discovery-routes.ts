import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { type App, ok } from '../../platform/http/app.ts';
import type { Board } from './board.ts';
import type { Discovery } from './discovery.ts';
import type { Favorites } from './favorites.ts';
import type { Reviews } from './reviews.ts';
import { SERVICES } from './schema.ts';
import { categories } from './settings.ts';

const tags = ['consult'];
export const idParam = z.object({ id: z.uuid('must be an id (UUID)') }).strict();
/** `true`/`1` or `false`/`0` in a query string. */
export const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const page = z.coerce.number().int('a whole number').min(1, 'at least 1').max(10_000).default(1);

const searchQuery = z
  .object({
    category: z.string().trim().min(1).max(20).optional(),
    service: z.enum(SERVICES).optional(),
    online: flag.optional(),
    q: z.string().max(50, 'at most 50 characters').optional(),
    page,
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

/** The marketplace's public face: the home page, the counselor list and one counselor's profile. */
export function discoveryRoutes(
  app: App,
  ctx: Context,
  auth: Auth,
  api: { discovery: Discovery; favorites: Favorites; reviews: Reviews; board: Board },
) {
  const { discovery, favorites, reviews, board } = api;

  app.get(
    '/api/consult/home',
    { schema: { tags, summary: 'Home: online counselors, categories, new reviews, notices' } },
    async (_req, reply) => {
      const [online, recent, notices] = await Promise.all([
        discovery.online(8),
        reviews.recent(5),
        board.notices(5),
      ]);
      return ok(reply, { online, categories: ctx.settings.get(categories), reviews: recent, notices });
    },
  );

  app.get(
    '/api/consult/counselors',
    {
      schema: {
        tags,
        summary: 'Counselors: filter by category, service, online; search by name; best ranked first',
        querystring: searchQuery,
      },
    },
    async (req, reply) => ok(reply, await discovery.search(req.query)),
  );

  app.get(
    '/api/consult/counselors/:id',
    {
      schema: {
        tags,
        summary: 'A counselor’s public profile with items, and your bookmark and like',
        params: idParam,
      },
    },
    async (req, reply) => {
      const counselor = await discovery.profile(req.params.id);
      const viewer = await auth.optional(req);
      return ok(reply, { counselor, ...(await favorites.markOf(viewer?.id, counselor.id)) });
    },
  );

  const reviewsQuery = z.object({ page, limit: z.coerce.number().int().min(1).max(50).default(10) }).strict();
  app.get(
    '/api/consult/counselors/:id/reviews',
    {
      schema: {
        tags,
        summary: 'A counselor’s reviews, newest first (hidden ones for admins only)',
        params: idParam,
        querystring: reviewsQuery,
      },
    },
    async (req, reply) => {
      await discovery.cardOr404(req.params.id);
      const viewer = await auth.optional(req);
      const { page: at, limit } = req.query;
      const { reviews: list, total } = await reviews.ofCounselor(req.params.id, {
        page: at,
        limit,
        admin: viewer?.role === 'admin',
        viewerId: viewer?.id,
      });
      return ok(reply, { reviews: list, total, page: at, pages: Math.max(1, Math.ceil(total / limit)) });
    },
  );
}
