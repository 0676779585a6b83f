import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import { type Board, MAX_IMAGES } from './board.ts';
import { flag, idParam, page } from './discovery-routes.ts';

const tags = ['consult'];
const POSTS: Rule = { name: 'consult-post.user', limit: 20, windowSeconds: 3600 };
const COMMENTS: Rule = { name: 'consult-comment.user', limit: 60, windowSeconds: 3600 };

const postInput = z
  .object({
    title: z.string().trim().min(1, 'required').max(100, 'at most 100 characters'),
    body: z.string().min(1, 'required').max(10_000, 'at most 10,000 characters'),
    imageFileIds: z
      .array(z.uuid('must be a file id'))
      .max(MAX_IMAGES, `at most ${MAX_IMAGES} images`)
      .default([]),
    notice: z.boolean().optional(),
  })
  .strict();
const commentInput = z
  .object({ body: z.string().trim().min(1, 'required').max(1000, 'at most 1,000 characters') })
  .strict();
const hideInput = z.object({ hidden: z.boolean() }).strict();

/** The board: everyone reads; members write; authors rewrite or delete their own; admins hide or delete. */
export function boardRoutes(app: App, auth: Auth, board: Board) {
  const loggedIn = auth.guard();
  const admin = auth.guard(['admin']);

  app.get(
    '/api/consult/board',
    {
      schema: {
        tags,
        summary: 'Board posts, newest first (search in title and text; notice=true for notices)',
        querystring: z
          .object({
            q: z.string().max(50, 'at most 50 characters').optional(),
            notice: flag.optional(),
            page,
            limit: z.coerce.number().int().min(1).max(50).default(20),
          })
          .strict(),
      },
    },
    async (req, reply) => ok(reply, await board.list(await auth.optional(req), req.query)),
  );

  app.get(
    '/api/consult/board/:id',
    { schema: { tags, summary: 'One post with its comments', params: idParam } },
    async (req, reply) => ok(reply, { post: await board.get(await auth.optional(req), req.params.id) }),
  );

  app.post(
    '/api/consult/board',
    {
      onRequest: loggedIn,
      config: { rateLimit: POSTS },
      schema: { tags, summary: 'Write a post (notice: admins only)', body: postInput },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return envelope(reply, 201, 'post created', { post: await board.create(user, req.body) });
    },
  );

  app.put(
    '/api/consult/board/:id',
    {
      onRequest: loggedIn,
      config: { rateLimit: POSTS },
      schema: { tags, summary: 'Rewrite your post', params: idParam, body: postInput },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { post: await board.update(user, req.params.id, req.body) }, 'post updated');
    },
  );

  app.delete(
    '/api/consult/board/:id',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Delete your post (admins: any post)', params: idParam },
    },
    async (req, reply) => {
      await board.remove(await auth.require(req), req.params.id);
      return ok(reply, undefined, 'post deleted');
    },
  );

  app.post(
    '/api/consult/board/:id/hide',
    {
      onRequest: admin,
      schema: { tags, summary: 'Hide a post or show it again (admins)', params: idParam, body: hideInput },
    },
    async (req, reply) => {
      await board.hide(await auth.require(req, ['admin']), req.params.id, req.body.hidden);
      return ok(reply, { hidden: req.body.hidden });
    },
  );

  app.post(
    '/api/consult/board/:id/comments',
    {
      onRequest: loggedIn,
      config: { rateLimit: COMMENTS },
      schema: { tags, summary: 'Comment on a post', params: idParam, body: commentInput },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return envelope(reply, 201, 'comment added', {
        comment: await board.comment(user, req.params.id, req.body.body),
      });
    },
  );

  app.delete(
    '/api/consult/comments/:id',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Delete your comment (admins: any comment)', params: idParam },
    },
    async (req, reply) => {
      await board.dropComment(await auth.require(req), req.params.id, 'delete');
      return ok(reply, undefined, 'comment deleted');
    },
  );

  app.post(
    '/api/consult/comments/:id/hide',
    { onRequest: admin, schema: { tags, summary: 'Hide a comment (admins)', params: idParam } },
    async (req, reply) => {
      await board.dropComment(await auth.require(req, ['admin']), req.params.id, 'hide');
      return ok(reply, undefined, 'comment hidden');
    },
  );
}
