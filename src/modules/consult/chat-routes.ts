import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import type { Rule } from '../../platform/ratelimit.ts';
import { type Chat, MAX_TEXT } from './chat.ts';
import type { ChatAdmin } from './chat-admin.ts';
import type { Requests } from './requests.ts';

const tags = ['consult'];
const idParams = z.object({ id: z.string().max(100) }).strict();
const messageId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Messages (and payment requests) one account may send a minute: beyond it, a 429. */
export const CHAT_SEND_RULE: Rule = { name: 'consult-chat.user', limit: 30, windowSeconds: 60 };

const sendBody = z
  .object({
    text: z.string().max(MAX_TEXT, `at most ${MAX_TEXT} characters`).optional(),
    fileId: z.string().max(100).optional(),
  })
  .strict();

/** Chat: rooms, messages, read marks, the poll for updates, block and report, and the admins' view. */
export function chatRoutes(app: App, auth: Auth, chat: Chat, admin: ChatAdmin, requests: Requests) {
  const loggedIn = auth.guard();
  const admins = auth.guard(['admin']);

  /** Messages with the payment requests their cards show. */
  const withRequests = async <T extends { requestId: string | null }>(messages: T[], me: string) => ({
    messages,
    requests: await requests.views(
      messages.map((m) => m.requestId).filter((id): id is string => !!id),
      me,
    ),
  });

  app.get(
    '/api/consult/chat/updates',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary:
          'What changed in your chats (rooms, unread counts, messages after the cursor); send If-None-Match: an idle poll is a 304',
        querystring: z
          .object({
            after: messageId.optional(),
            room: z.uuid({ message: 'a room id' }).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const version = await chat.version(user.id);
      const tag = `W/"chat-${version}-${req.query.after ?? ''}-${req.query.room ?? ''}"`;
      reply.header('etag', tag);
      reply.header('cache-control', 'no-cache');
      if (req.headers['if-none-match'] === tag) return reply.code(304).send();
      const updates = await chat.updates(user, version, req.query.after, req.query.room);
      return ok(reply, { ...updates, ...(await withRequests(updates.messages, user.id)) });
    },
  );

  app.get(
    '/api/consult/chat/rooms',
    { onRequest: loggedIn, schema: { tags, summary: 'Your chat rooms with unread counts' } },
    async (req, reply) => {
      const rooms = await chat.rooms(await auth.require(req));
      return ok(reply, { rooms, unread: rooms.reduce((n, r) => n + r.unread, 0) });
    },
  );

  app.post(
    '/api/consult/chat/rooms',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Open your chat with a counselor (or the admins: kind inquiry); the same room every time',
        body: z
          .object({
            counselorId: z.string().max(100).optional(),
            kind: z.enum(['counselor', 'inquiry']).default('counselor'),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const room =
        req.body.kind === 'inquiry'
          ? await chat.openInquiry(user)
          : await chat.openWithCounselor(user, req.body.counselorId ?? '');
      return ok(reply, { room: await chat.roomViewOf(room, user.id) });
    },
  );

  app.get(
    '/api/consult/chat/rooms/:id/messages',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'A room and its messages, newest page (before: page back)',
        params: idParams,
        querystring: z
          .object({
            before: messageId.optional(),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      const page = await chat.messages(user, req.params.id, req.query);
      return ok(reply, { room: page.room, more: page.more, ...(await withRequests(page.messages, user.id)) });
    },
  );

  app.post(
    '/api/consult/chat/rooms/:id/messages',
    {
      onRequest: loggedIn,
      config: { rateLimit: CHAT_SEND_RULE },
      schema: {
        tags,
        summary: `Send one message: text (at most ${MAX_TEXT} characters) or an uploaded image (fileId)`,
        params: idParams,
        body: sendBody,
      },
    },
    async (req, reply) => {
      const message = await chat.send(await auth.require(req), req.params.id, req.body);
      return envelope(reply, 201, 'sent', { message });
    },
  );

  app.post(
    '/api/consult/chat/rooms/:id/read',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Mark the room read up to a message',
        params: idParams,
        body: z.object({ upTo: messageId }).strict(),
      },
    },
    async (req, reply) =>
      ok(reply, await chat.markRead(await auth.require(req), req.params.id, req.body.upTo)),
  );

  for (const [method, on] of [
    ['post', true],
    ['delete', false],
  ] as const)
    app[method](
      '/api/consult/chat/rooms/:id/block',
      {
        onRequest: loggedIn,
        schema: { tags, summary: on ? 'Block the other side' : 'Lift your block', params: idParams },
      },
      async (req, reply) => ok(reply, await admin.block(await auth.require(req), req.params.id, on)),
    );

  app.post(
    '/api/consult/chat/rooms/:id/reports',
    {
      onRequest: loggedIn,
      config: { rateLimit: CHAT_SEND_RULE },
      schema: {
        tags,
        summary: 'Report the room (or one message in it) to the admins',
        params: idParams,
        body: z
          .object({
            reason: z.string().max(1000, 'at most 1,000 characters'),
            messageId: messageId.optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const report = await admin.report(await auth.require(req), req.params.id, req.body);
      return envelope(reply, 201, 'reported', { report });
    },
  );

  app.get(
    '/api/consult/admin/chats',
    {
      onRequest: admins,
      schema: {
        tags,
        summary: 'Every chat room (admins): reported first',
        querystring: z
          .object({
            kind: z.enum(['counselor', 'inquiry']).optional(),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          })
          .strict(),
      },
    },
    async (req, reply) => ok(reply, await admin.rooms(req.query)),
  );

  app.get(
    '/api/consult/admin/chats/:id',
    {
      onRequest: admins,
      schema: {
        tags,
        summary: 'One room read-only (admins): messages, requests and reports',
        params: idParams,
        querystring: z
          .object({
            before: messageId.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(100),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req, ['admin']);
      const page = await chat.messages(user, req.params.id, req.query);
      return ok(reply, {
        room: page.room,
        more: page.more,
        reports: await admin.reports(page.room.id),
        ...(await withRequests(page.messages, user.id)),
      });
    },
  );

  app.post(
    '/api/consult/admin/chats/:id/resolve',
    {
      onRequest: admins,
      schema: { tags, summary: "Resolve the room's open reports (admins)", params: idParams },
    },
    async (req, reply) => ok(reply, await admin.resolve(await auth.require(req, ['admin']), req.params.id)),
  );
}
