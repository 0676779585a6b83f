import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { CHAT_SEND_RULE } from './chat-routes.ts';
import type { Requests } from './requests.ts';

const tags = ['consult'];
const idParams = z.object({ id: z.string().max(100) }).strict();

/** Payment requests: the counselor sends one in chat; the user pays or declines; then done or refunded. */
export function requestRoutes(app: App, auth: Auth, requests: Requests) {
  const loggedIn = auth.guard();

  app.post(
    '/api/consult/chat/rooms/:id/requests',
    {
      onRequest: loggedIn,
      config: { rateLimit: CHAT_SEND_RULE },
      schema: {
        tags,
        summary: "Send a payment request for one of your items in this room (the room's counselor)",
        params: idParams,
        body: z
          .object({
            itemId: z.string().max(100),
            note: z.string().max(500, 'at most 500 characters').optional(),
            appointmentAt: z.iso.datetime({ offset: true, message: 'an ISO time' }).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const request = await requests.send(await auth.require(req), req.params.id, req.body);
      return envelope(reply, 201, 'request sent', { request });
    },
  );

  app.get(
    '/api/consult/requests/:id',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'A payment request, with your balance before and after paying it',
        params: idParams,
      },
    },
    async (req, reply) => ok(reply, await requests.viewFor(await auth.require(req), req.params.id)),
  );

  const moves = {
    pay: { summary: 'Pay it (the user): points are held for the counselor', fn: requests.pay },
    decline: { summary: 'Decline it (the user)', fn: requests.decline },
    withdraw: { summary: 'Withdraw it (the counselor)', fn: requests.withdraw },
    complete: {
      summary: 'Mark it done (the counselor): the points go to the counselor',
      fn: requests.complete,
    },
    refund: { summary: 'Refund it before completion (the counselor or an admin)', fn: requests.refund },
  } as const;
  for (const [name, move] of Object.entries(moves))
    app.post(
      `/api/consult/requests/:id/${name}`,
      { onRequest: loggedIn, schema: { tags, summary: move.summary, params: idParams } },
      async (req, reply) => {
        const request = await move.fn.call(requests, await auth.require(req), req.params.id);
        return ok(reply, { request });
      },
    );
}
