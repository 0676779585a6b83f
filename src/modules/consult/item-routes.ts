import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { type ItemChange, type ItemInput, type Items, itemChange, itemInput } from './items.ts';

const tags = ['consult'];
const idParams = z.object({ id: z.string().max(100) }).strict();

/** Service items: a counselor's own (read and edit) and anyone's view of a counselor's active ones. */
export function itemRoutes(app: App, auth: Auth, items: Items) {
  const loggedIn = auth.guard();

  app.get(
    '/api/consult/counselors/:id/items',
    { schema: { tags, summary: "A counselor's active service items (public)", params: idParams } },
    async (req, reply) => ok(reply, { items: await items.active(req.params.id) }),
  );

  app.get(
    '/api/consult/me/items',
    { onRequest: loggedIn, schema: { tags, summary: 'Your service items (counselors)' } },
    async (req, reply) => ok(reply, { items: await items.mine(await auth.require(req)) }),
  );

  app.post(
    '/api/consult/me/items',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Add a service item (kind phone/chat/visit/cafe; price in points, phone per 30 s)',
        body: itemInput,
      },
    },
    async (req, reply) => {
      const item = await items.create(await auth.require(req), req.body as ItemInput);
      return envelope(reply, 201, 'item added', { item });
    },
  );

  app.patch(
    '/api/consult/me/items/:id',
    {
      onRequest: loggedIn,
      schema: { tags, summary: 'Change one of your service items', params: idParams, body: itemChange },
    },
    async (req, reply) => {
      const item = await items.update(await auth.require(req), req.params.id, req.body as ItemChange);
      return ok(reply, { item });
    },
  );
}
