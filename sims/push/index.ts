/**
 * A stand-in for the two push services yeyak sends to, speaking their wire formats:
 *
 * - FCM HTTP v1 `POST /v1/projects/{project}/messages:send`: checks the bearer token (the one the
 *   adapter uses for the stand-in, SIM_FCM_TOKEN) and answers FCM's own shapes — `{name}` on
 *   success; `{error: {code, message, status, details: [{@type …FcmError, errorCode}]}}` with
 *   UNREGISTERED (404), INVALID_ARGUMENT (400), QUOTA_EXCEEDED (429) or UNAVAILABLE (503 with
 *   Retry-After), switchable per token.
 * - Web Push: `POST /subscriptions` makes a subscription as a browser would (its own P-256 key
 *   pair and auth secret; the answer is `PushSubscription.toJSON()`), and its endpoint
 *   `POST /webpush/{id}` checks the VAPID JWT and decrypts the aes128gcm body with the private
 *   key only the stand-in holds; 404 / 410 when switched to.
 *
 * `GET /received` answers what arrived (decrypted), `DELETE /received` forgets it, `PUT
 * /control/fcm` ({token, mode}) and `PUT /control/webpush/{id}` switch a token's or subscription's answers.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { SIM_FCM_TOKEN } from '../../src/platform/push/index.ts';
import { checkVapid, decryptAes128gcm, makeSubscription, type SimSubscription } from './webpush.ts';

export type FcmMode = 'ok' | 'unregistered' | 'invalid' | 'quota' | 'unavailable';
export type WebPushMode = 'ok' | 'gone' | 'not_found';

export type FcmReceived = { project: string; token: string; message: Record<string, unknown> };
export type WebPushReceived = {
  subscription: string;
  payload: unknown;
  ttl: number;
  urgency?: string;
  subject: string;
};

type Switch<M> = { mode: M; times?: number; retryAfter?: number };

const FCM_TOKEN = /^[A-Za-z0-9_:-]{32,4096}$/;
const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

function fcmError(reply: FastifyReply, code: number, status: string, errorCode: string, message: string) {
  return reply.code(code).send({
    error: { code, message, status, details: [{ '@type': FCM_ERROR_TYPE, errorCode }] },
  });
}

export const pushStandIn: FastifyPluginAsync = async (app) => {
  const fcm: FcmReceived[] = [];
  const web: WebPushReceived[] = [];
  const refused: { service: 'fcm' | 'webpush'; why: string }[] = [];
  const fcmSwitch = new Map<string, Switch<FcmMode>>();
  const webSwitch = new Map<string, Switch<WebPushMode>>();
  const subs = new Map<string, SimSubscription>();
  let fcmCount = 0;

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  /** The switched mode for this call (counting down `times`), or ok. */
  const modeOf = <M extends string>(map: Map<string, Switch<M>>, key: string): Switch<M> | undefined => {
    const s = map.get(key);
    if (!s) return undefined;
    if (s.times !== undefined) {
      if (s.times <= 0) {
        map.delete(key);
        return undefined;
      }
      s.times--;
    }
    return s;
  };

  app.post<{
    Params: { project: string };
    Body: { message?: Record<string, unknown>; validate_only?: boolean };
  }>('/v1/projects/:project/messages::send', async (req, reply) => {
    if (req.headers.authorization !== `Bearer ${SIM_FCM_TOKEN}`) {
      refused.push({ service: 'fcm', why: 'bearer token' });
      return reply.code(401).send({
        error: {
          code: 401,
          message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.',
          status: 'UNAUTHENTICATED',
        },
      });
    }
    const message = req.body?.message;
    const token = typeof message?.token === 'string' ? message.token : undefined;
    if (!message || !token)
      return fcmError(
        reply,
        400,
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'Request contains an invalid argument.',
      );
    if (!FCM_TOKEN.test(token))
      return fcmError(
        reply,
        400,
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
        'The registration token is not a valid FCM registration token',
      );
    if (Buffer.byteLength(JSON.stringify(message)) > 4096)
      return fcmError(reply, 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'Message is too big');
    const s = modeOf(fcmSwitch, token);
    switch (s?.mode) {
      case 'unregistered':
        return fcmError(reply, 404, 'NOT_FOUND', 'UNREGISTERED', 'Requested entity was not found.');
      case 'invalid':
        return fcmError(
          reply,
          400,
          'INVALID_ARGUMENT',
          'INVALID_ARGUMENT',
          'The registration token is not a valid FCM registration token',
        );
      case 'quota':
        reply.header('retry-after', String(s.retryAfter ?? 1));
        return fcmError(reply, 429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED', 'Quota exceeded for the device.');
      case 'unavailable':
        reply.header('retry-after', String(s.retryAfter ?? 1));
        return fcmError(reply, 503, 'UNAVAILABLE', 'UNAVAILABLE', 'The service is currently unavailable.');
    }
    fcmCount++;
    if (!req.body?.validate_only) fcm.push({ project: req.params.project, token, message });
    return { name: `projects/${req.params.project}/messages/${fcmCount}` };
  });

  app.post('/subscriptions', async (req, reply) => {
    const id = randomUUID();
    const endpoint = `${req.protocol}://${req.host}${app.prefix}/webpush/${id}`;
    const sub = makeSubscription(id, endpoint);
    subs.set(id, sub);
    return reply.code(201).send({ endpoint, expirationTime: null, keys: sub.keys });
  });

  app.post<{ Params: { id: string } }>('/webpush/:id', async (req, reply) => {
    const sub = subs.get(req.params.id);
    if (!sub) return reply.code(404).send({ error: 'no such subscription' });
    const s = modeOf(webSwitch, sub.id);
    if (s?.mode === 'gone') return reply.code(410).send({ error: 'subscription expired' });
    if (s?.mode === 'not_found') return reply.code(404).send({ error: 'subscription not found' });
    let subject: string;
    try {
      subject = checkVapid(req.headers.authorization, new URL(sub.endpoint).origin).sub;
    } catch (err) {
      refused.push({ service: 'webpush', why: (err as Error).message });
      return reply.code(403).send({ error: `VAPID: ${(err as Error).message}` });
    }
    const ttl = Number(req.headers.ttl);
    if (!Number.isInteger(ttl) || ttl < 0) return reply.code(400).send({ error: 'TTL header required' });
    if (req.headers['content-encoding'] !== 'aes128gcm')
      return reply.code(415).send({ error: 'Content-Encoding must be aes128gcm' });
    let text: string;
    try {
      text = decryptAes128gcm(req.body as Buffer, sub).toString('utf8');
    } catch (err) {
      refused.push({ service: 'webpush', why: (err as Error).message });
      return reply.code(400).send({ error: `cannot decrypt: ${(err as Error).message}` });
    }
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {
      // a text payload stays text
    }
    const urgency = typeof req.headers.urgency === 'string' ? req.headers.urgency : undefined;
    web.push({ subscription: sub.id, payload, ttl, urgency, subject });
    return reply.code(201).header('location', `${app.prefix}/messages/${web.length}`).send();
  });

  // The token goes in the body: FCM tokens are longer than a route parameter may be.
  app.put<{ Body: Switch<FcmMode> & { token: string } }>('/control/fcm', async (req) => {
    const { token, ...s } = req.body;
    fcmSwitch.set(token, s);
    return { ok: true };
  });
  app.put<{ Params: { id: string }; Body: Switch<WebPushMode> }>('/control/webpush/:id', async (req) => {
    webSwitch.set(req.params.id, req.body);
    return { ok: true };
  });
  app.get('/received', async () => ({ fcm, webpush: web, refused, fcmCount }));
  app.delete('/received', async () => {
    fcm.length = 0;
    web.length = 0;
    refused.length = 0;
    fcmCount = 0;
    return { ok: true };
  });
};
