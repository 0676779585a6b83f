import { z } from 'zod';
import type { Auth } from '../auth/service.ts';
import { tokenFrom } from '../auth/service.ts';
import { sha256 } from '../crypto.ts';
import { notFound } from '../errors.ts';
import { type App, envelope, ok } from '../http/app.ts';
import { type RateLimiter, RULES } from '../ratelimit.ts';
import { deviceInput } from './devices.ts';
import type { Push } from './index.ts';

const tags = ['push'];
const idParams = z.object({ id: z.uuid('must be a device id (UUID)') }).strict();
const consentsBody = z
  .object({ push: z.boolean().optional(), marketing: z.boolean().optional(), night: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'name at least one of push, marketing, night');

/**
 * The page's side of push: the VAPID key to subscribe with, the user's devices (registered by the
 * app's token or the browser's subscription, listed, removed) and their consents.
 */
export function pushRoutes(app: App, auth: Auth, push: Push, limiter: RateLimiter) {
  const loggedIn = auth.guard();

  app.get(
    '/api/push/vapid-key',
    {
      schema: {
        tags,
        summary: 'The VAPID public key a browser subscribes with (null: this server has no Web Push)',
      },
    },
    async (_req, reply) => ok(reply, { publicKey: push.vapid()?.publicKey ?? null }),
  );

  app.post(
    '/api/push/devices',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: "Register this device: the app's FCM token or the browser's Web Push subscription",
        body: deviceInput,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      await limiter.consume(RULES.pushDeviceUser, user.id);
      const token = tokenFrom(req);
      const device = await push.devices.register(user.id, req.body, token ? sha256(token) : undefined);
      return envelope(reply, 201, 'device registered', { device });
    },
  );

  app.get(
    '/api/push/devices',
    { onRequest: loggedIn, schema: { tags, summary: 'Your devices that receive push' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { devices: await push.devices.list(user.id) });
    },
  );

  app.delete(
    '/api/push/devices/:id',
    { onRequest: loggedIn, schema: { tags, summary: 'Stop push to one of your devices', params: idParams } },
    async (req, reply) => {
      const user = await auth.require(req);
      if (!(await push.devices.remove(user.id, req.params.id))) throw notFound('device');
      return ok(reply, undefined, 'device removed');
    },
  );

  app.get(
    '/api/me/consents',
    { onRequest: loggedIn, schema: { tags, summary: 'Your push, marketing and night consents, with when' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { consents: await push.consents.get(user.id) });
    },
  );

  app.put(
    '/api/me/consents',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Give or withdraw consents (a change is confirmed by mail)',
        body: consentsBody,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { consents: await push.consents.set(user.id, req.body) }, 'consents saved');
    },
  );
}
