import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import { notFound } from '../errors.ts';
import { type App, ok } from '../http/app.ts';
import type { Notify } from './index.ts';

const tags = ['notifications'];
const id = z.uuid('must be a notification id (UUID)');
const listQuery = z
  .object({
    before: id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
const idParams = z.object({ id }).strict();

/**
 * The logged-in user's in-app notifications: the list (newest first, a page at a time, with the
 * unread count), the unread count alone (the bell polls it), and marking read. Another user's
 * notification is "not found", like one that does not exist.
 */
export function notificationRoutes(app: App, auth: Auth, notify: Notify) {
  const loggedIn = auth.guard();

  app.get(
    '/api/notifications',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Your notifications, newest first, with the unread count; page with before=<last id>',
        querystring: listQuery,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const page = await notify.inapp.list(user.id, req.query);
      if (!page) throw notFound('notification');
      return ok(reply, page);
    },
  );

  app.get(
    '/api/notifications/unread',
    { onRequest: loggedIn, schema: { tags, summary: 'How many of your notifications are unread' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { unread: await notify.inapp.unread(user.id) });
    },
  );

  // Before /:id/read, so "read-all" is never taken for an id.
  app.post(
    '/api/notifications/read-all',
    { onRequest: loggedIn, schema: { tags, summary: 'Mark all your notifications as read' } },
    async (req, reply) => {
      const user = await auth.require(req);
      const marked = await notify.inapp.markAllRead(user.id);
      return ok(reply, { marked, unread: 0 }, 'all marked as read');
    },
  );

  app.post(
    '/api/notifications/:id/read',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Mark one of your notifications as read', params: idParams },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      if (!(await notify.inapp.markRead(user.id, req.params.id))) throw notFound('notification');
      return ok(reply, { unread: await notify.inapp.unread(user.id) }, 'marked as read');
    },
  );
}
