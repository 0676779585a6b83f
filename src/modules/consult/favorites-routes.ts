import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, ok } from '../../platform/http/app.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import { idParam } from './discovery-routes.ts';
import type { Favorites } from './favorites.ts';

const tags = ['consult'];
/** Bookmark and like taps per account: plenty for a person, a wall for a script. */
const MARKS: Rule = { name: 'consult-marks.user', limit: 300, windowSeconds: 3600 };

/** Bookmarks (a private list) and likes (counted on the counselor). PUT adds, DELETE removes. */
export function favoritesRoutes(app: App, auth: Auth, favorites: Favorites) {
  const loggedIn = auth.guard();
  const opts = (summary: string) => ({
    onRequest: loggedIn,
    config: { rateLimit: MARKS },
    schema: { tags, summary, params: idParam },
  });

  app.get(
    '/api/consult/bookmarks',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Your bookmarked counselors', querystring: z.object({}).strict() },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { counselors: await favorites.bookmarks(user.id) });
    },
  );

  for (const on of [true, false]) {
    const method = on ? app.put.bind(app) : app.delete.bind(app);
    method(
      '/api/consult/counselors/:id/bookmark',
      opts(on ? 'Bookmark a counselor' : 'Remove a bookmark'),
      async (req, reply) => {
        const user = await auth.require(req);
        return ok(reply, await favorites.bookmark(user.id, req.params.id, on));
      },
    );
    method(
      '/api/consult/counselors/:id/like',
      opts(on ? 'Like a counselor (once)' : 'Take a like back'),
      async (req, reply) => {
        const user = await auth.require(req);
        return ok(reply, await favorites.like(user.id, req.params.id, on));
      },
    );
  }
}
