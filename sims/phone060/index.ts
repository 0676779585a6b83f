import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiRoutes } from './api.ts';
import { Calls } from './calls.ts';
import { adminPage, simulatePage } from './pages.ts';
import { fail, GRADES, intOf, phoneOf, World } from './world.ts';

/**
 * A stand-in for a 060 phone-consultation vendor, speaking the wire format in README.md beside this
 * file: the API under `/v1` (Bearer key), signed call-event webhooks, and its own control pages
 * (`/admin`, `/simulate`) and JSON endpoints (`/admin/…`, `/simulate/call`, `/deliveries`).
 */

/** The stand-in's API key and webhook secret (the adapter uses them in demo mode). Not a vendor's. */
export const SIM_PHONE060_KEY = 'SIM-060-API-KEY-000000000000';
export const SIM_PHONE060_WEBHOOK_SECRET = 'SIM-060-WEBHOOK-SECRET-00000000';

export type { CallResult } from './calls.ts';
export type { Delivery } from './world.ts';

export async function phone060StandIn(app: FastifyInstance) {
  const world = new World();
  const calls = new Calls(world, SIM_PHONE060_WEBHOOK_SECRET);
  app.addHook('onClose', async () => calls.close());

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const isForm = (req: FastifyRequest) =>
    (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const fields = (req: FastifyRequest) =>
    (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const html = (reply: FastifyReply, status: number, text: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(text);

  apiRoutes(app, world, SIM_PHONE060_KEY);

  // --- The stand-in's controls: no key (as a vendor's back office would be, behind its login).

  app.get('/admin', async (req, reply) => {
    const added = (req.query as { added?: string }).added;
    const c = added ? world.counselors.get(added) : undefined;
    return html(
      reply,
      200,
      adminPage(
        app.prefix,
        world,
        c ? { ok: true, text: `등록됨 (registered): ${c.code} ${c.nickname}` } : undefined,
      ),
    );
  });

  app.get('/admin/state', async () => world.state());

  /** Register a counselor at the 060 service: `{code?, nickname, grade, rate, status?, email?}` (JSON or the form). */
  app.post('/admin/counselors', async (req, reply) => {
    const b = fields(req);
    const code = typeof b.code === 'string' && b.code.trim() !== '' ? b.code.trim() : world.nextCode();
    const nickname = typeof b.nickname === 'string' ? b.nickname.trim() : '';
    const grade =
      typeof b.grade === 'string' && (GRADES as readonly string[]).includes(b.grade) ? b.grade : undefined;
    const rate = intOf(b.rate, 100, 10_000);
    const status = b.status === undefined ? 'online' : b.status;
    const email =
      typeof b.email === 'string' && b.email.trim() !== '' ? b.email.trim().toLowerCase() : undefined;
    const problem =
      !code || !/^\d{3}$/.test(code)
        ? 'code: 3 digits'
        : world.counselors.has(code)
          ? 'code: already registered'
          : !nickname || nickname.length > 20
            ? 'nickname: 1 to 20 characters'
            : !grade
              ? `grade: one of ${GRADES.join(', ')}`
              : rate === undefined
                ? 'rate: a whole number from 100 to 10000'
                : status !== 'online' && status !== 'offline'
                  ? 'status: online or offline'
                  : email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)
                    ? 'email: an e-mail address'
                    : undefined;
    if (problem || !code || !grade || rate === undefined) {
      const text = problem ?? 'invalid';
      if (isForm(req)) return html(reply, 400, adminPage(app.prefix, world, { ok: false, text }));
      return fail(reply, problem === 'code: already registered' ? 409 : 400, 'INVALID_REQUEST', text);
    }
    const c = {
      code,
      nickname,
      grade,
      rate,
      status: status as 'online' | 'offline',
      ...(email ? { email } : {}),
    };
    world.counselors.set(code, c);
    if (isForm(req)) return reply.redirect(`${app.prefix}/admin?added=${code}`, 303);
    return reply.code(201).send({ counselor: c });
  });

  /** Moves the stand-in's clock forward (tickets expire, reservations fall due). */
  app.post('/admin/clock', async (req, reply) => {
    const s = intOf(fields(req).advanceSeconds, 0, 366 * 86_400);
    if (s === undefined) return fail(reply, 400, 'INVALID_REQUEST', 'advanceSeconds: 0 to a year');
    world.offsetMs += s * 1000;
    return { now: new Date(world.now()).toISOString() };
  });

  // `?phone=…&code=…` fills the form in (yeyak's call page links here with the caller's number).
  app.get('/simulate', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const asked = {
      phone: typeof q.phone === 'string' ? q.phone.slice(0, 13) : undefined,
      code: typeof q.code === 'string' && /^\d{3}$/.test(q.code) ? q.code : undefined,
    };
    return html(reply, 200, simulatePage(app.prefix, world, undefined, asked));
  });

  /** `{phone, code, seconds, delayMs?}` (JSON or the form): see Calls.call. */
  app.post('/simulate/call', async (req, reply) => {
    const b = fields(req);
    const phone = phoneOf(b.phone);
    const code = typeof b.code === 'string' && /^\d{3}$/.test(b.code) ? b.code : undefined;
    const seconds = intOf(b.seconds, 0, 14_400);
    const delayMs = b.delayMs === undefined || b.delayMs === '' ? 0 : intOf(b.delayMs, 0, 600_000);
    const problem = !phone
      ? 'phone: digits only, e.g. 01012345678'
      : !code
        ? 'code: 3 digits'
        : seconds === undefined
          ? 'seconds: 0 to 14400'
          : delayMs === undefined
            ? 'delayMs: 0 to 600000'
            : undefined;
    const form = isForm(req);
    // The form comes back filled in as it was sent, to call again.
    const asked = { phone: typeof b.phone === 'string' ? b.phone.slice(0, 13) : undefined, code };
    if (problem || !phone || !code || seconds === undefined || delayMs === undefined) {
      const text = problem ?? 'invalid';
      return form
        ? html(reply, 400, simulatePage(app.prefix, world, { ok: false, text }, asked))
        : fail(reply, 400, 'INVALID_REQUEST', text);
    }
    const r = await calls.call(phone, code, seconds, delayMs);
    if ('status' in r) {
      return form
        ? html(
            reply,
            r.status,
            simulatePage(app.prefix, world, { ok: false, text: `${r.code}: ${r.message}` }, asked),
          )
        : fail(reply, r.status, r.code, r.message);
    }
    return form ? html(reply, 200, simulatePage(app.prefix, world, { ok: true, call: r }, asked)) : r;
  });

  /** Every webhook event sent and each try's answer, oldest first. */
  app.get('/deliveries', async () => ({ deliveries: world.deliveries }));
}
