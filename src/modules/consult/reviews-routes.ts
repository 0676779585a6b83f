import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import { idParam } from './discovery-routes.ts';
import type { Reviews } from './reviews.ts';

const tags = ['consult'];
const REVIEWS: Rule = { name: 'consult-review.user', limit: 30, windowSeconds: 3600 };

const reviewInput = z
  .object({
    requestId: z.uuid('must be a request id (UUID)'),
    stars: z.number().int('a whole number').min(1, 'at least 1').max(5, 'at most 5'),
    body: z.string().trim().min(1, 'required').max(2000, 'at most 2,000 characters'),
  })
  .strict();

/** Writing reviews (after a completed consultation), the counselor's reply, and hiding (admins). */
export function reviewRoutes(app: App, auth: Auth, reviews: Reviews) {
  const loggedIn = auth.guard();

  app.get(
    '/api/consult/reviews/pending',
    { onRequest: loggedIn, schema: { tags, summary: 'Your completed consultations you can still review' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { requests: await reviews.reviewable(user.id) });
    },
  );

  app.post(
    '/api/consult/reviews',
    {
      onRequest: loggedIn,
      config: { rateLimit: REVIEWS },
      schema: { tags, summary: 'Review a completed consultation (once, within 30 days)', body: reviewInput },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return envelope(reply, 201, 'review written', { review: await reviews.write(user, req.body) });
    },
  );

  app.post(
    '/api/consult/reviews/:id/reply',
    {
      onRequest: loggedIn,
      config: { rateLimit: REVIEWS },
      schema: {
        tags,
        summary: 'Reply to a review of you (counselors, once)',
        params: idParam,
        body: z
          .object({ text: z.string().trim().min(1, 'required').max(2000, 'at most 2,000 characters') })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { review: await reviews.reply(user, req.params.id, req.body.text) });
    },
  );

  app.post(
    '/api/consult/reviews/:id/hide',
    {
      onRequest: auth.guard(['admin']),
      schema: {
        tags,
        summary: 'Hide a review or show it again (admins); the average follows',
        params: idParam,
        body: z.object({ hidden: z.boolean() }).strict(),
      },
    },
    async (req, reply) => {
      const admin = await auth.require(req, ['admin']);
      const review = await reviews.hide(req.params.id, req.body.hidden);
      await reviews.logHide(admin.id, review.id, req.body.hidden);
      return ok(reply, { review });
    },
  );
}
