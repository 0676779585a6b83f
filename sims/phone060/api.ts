import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  DIAL_NUMBER,
  fail,
  intOf,
  phoneOf,
  REF,
  STATUSES,
  type Status,
  TICKET_MINUTES,
  type World,
} from './world.ts';

/** The vendor API under `/v1`: every call needs `Authorization: Bearer <key>`. */
export function apiRoutes(app: FastifyInstance, world: World, apiKey: string) {
  const want = Buffer.from(`Bearer ${apiKey}`);

  app.register(
    async (v1) => {
      v1.addHook('onRequest', async (req, reply) => {
        const got = Buffer.from(req.headers.authorization ?? '');
        if (got.length !== want.length || !timingSafeEqual(got, want)) {
          return fail(reply, 401, 'UNAUTHORIZED', 'missing or wrong API key');
        }
      });

      const body = (b: unknown) => (b && typeof b === 'object' ? (b as Record<string, unknown>) : {});
      const invalid = (reply: FastifyReply, message: string) => fail(reply, 400, 'INVALID_REQUEST', message);

      /**
       * A request carrying a ref is answered once: the same ref with the same values replays the
       * first answer, with other values it is refused.
       */
      const once = (
        reply: FastifyReply,
        key: string,
        ask: string,
        run: () => Record<string, unknown> | FastifyReply,
        status = 200,
      ) => {
        const seen = world.refs.get(key);
        if (seen) {
          if (seen.ask !== ask)
            return fail(reply, 409, 'REF_CONFLICT', 'this ref was used with other values');
          return reply.code(status).send(seen.answer);
        }
        const answer = run();
        if ('sent' in answer) return answer;
        world.refs.set(key, { ask, answer });
        return reply.code(status).send(answer);
      };

      v1.get('/counselors', async () => ({
        counselors: [...world.counselors.values()].map((c) => ({
          code: c.code,
          nickname: c.nickname,
          grade: c.grade,
          rate_per_30s: c.rate,
          status: c.status,
          ...(c.email ? { email: c.email } : {}),
        })),
      }));

      v1.put('/counselors/:code/status', async (req, reply) => {
        const c = world.counselors.get((req.params as { code: string }).code);
        if (!c) return fail(reply, 404, 'NOT_FOUND', 'no such counselor');
        const status = body(req.body).status;
        if (!STATUSES.includes(status as Status)) return invalid(reply, 'status: online, offline or busy');
        c.status = status as Status;
        return { code: c.code, status: c.status };
      });

      v1.get('/lines/:phone', async (req, reply) => {
        const phone = phoneOf((req.params as { phone: string }).phone);
        if (!phone) return invalid(reply, 'phone: digits only');
        return { phone, balance_seconds: world.lines.get(phone)?.balance ?? 0 };
      });

      const lineChange =
        (kind: 'charge' | 'return') =>
        async (req: { params: unknown; body: unknown }, reply: FastifyReply) => {
          const phone = phoneOf((req.params as { phone: string }).phone);
          const b = body(req.body);
          const seconds = intOf(b.seconds, 1, 1_000_000);
          if (!phone) return invalid(reply, 'phone: digits only');
          if (seconds === undefined || typeof b.seconds !== 'number')
            return invalid(reply, 'seconds: a whole number from 1 to 1000000');
          if (typeof b.ref !== 'string' || !REF.test(b.ref))
            return invalid(reply, 'ref: 1-100 letters, digits, . _ : -');
          return once(reply, `${kind}:${b.ref}`, `${phone} ${seconds}`, () => {
            const line = world.line(phone);
            if (kind === 'charge') {
              line.balance += seconds;
              return { phone, ref: b.ref, charged_seconds: seconds, balance_seconds: line.balance };
            }
            // Time held by a call in progress is not returned; the call's end settles it.
            if (line.inCall) return fail(reply, 409, 'LINE_BUSY', 'the line is in a call');
            const returned = Math.min(seconds, line.balance);
            line.balance -= returned;
            return { phone, ref: b.ref, returned_seconds: returned, balance_seconds: line.balance };
          });
        };
      v1.post('/lines/:phone/charge', lineChange('charge'));
      v1.post('/lines/:phone/return', lineChange('return'));

      v1.post('/reservations', async (req, reply) => {
        const b = body(req.body);
        const phone = phoneOf(b.phone);
        const at = typeof b.at === 'string' ? Date.parse(b.at) : Number.NaN;
        if (typeof b.code !== 'string' || !/^\d{3}$/.test(b.code)) return invalid(reply, 'code: 3 digits');
        if (!phone) return invalid(reply, 'phone: digits only');
        if (Number.isNaN(at)) return invalid(reply, 'at: an ISO date-time');
        if (at <= world.now()) return invalid(reply, 'at: must be in the future');
        const c = world.counselors.get(b.code);
        if (!c) return fail(reply, 404, 'NOT_FOUND', 'no such counselor');
        const iso = new Date(at).toISOString();
        if ([...world.reservations.values()].some((r) => r.code === c.code && r.at === iso))
          return fail(reply, 409, 'COUNSELOR_UNAVAILABLE', 'the counselor is booked at that time');
        const r = { id: world.id('R'), code: c.code, phone, at: iso };
        world.reservations.set(r.id, r);
        return reply.code(201).send({ reservation_id: r.id, code: r.code, phone: r.phone, at: r.at });
      });

      v1.post('/tickets', async (req, reply) => {
        const b = body(req.body);
        const phone = phoneOf(b.phone);
        if (typeof b.code !== 'string' || !/^\d{3}$/.test(b.code)) return invalid(reply, 'code: 3 digits');
        if (!phone) return invalid(reply, 'phone: digits only');
        if (typeof b.ref !== 'string' || !REF.test(b.ref))
          return invalid(reply, 'ref: 1-100 letters, digits, . _ : -');
        const code = b.code;
        const ref = b.ref;
        return once(
          reply,
          `ticket:${ref}`,
          `${code} ${phone}`,
          () => {
            const c = world.counselors.get(code);
            if (!c) return fail(reply, 404, 'NOT_FOUND', 'no such counselor');
            if (c.status === 'offline')
              return fail(reply, 409, 'COUNSELOR_UNAVAILABLE', 'the counselor is offline');
            const t = {
              id: world.id('T'),
              code,
              phone,
              ref,
              expiresAt: world.now() + TICKET_MINUTES * 60_000,
            };
            world.tickets.set(t.id, t);
            return {
              ticket_id: t.id,
              dial_number: DIAL_NUMBER,
              code,
              phone,
              expires_at: new Date(t.expiresAt).toISOString(),
            };
          },
          201,
        );
      });

      v1.put('/webhook', async (req, reply) => {
        const u = body(req.body).url;
        let ok = false;
        try {
          ok = typeof u === 'string' && ['http:', 'https:'].includes(new URL(u).protocol);
        } catch {
          ok = false;
        }
        if (!ok) return invalid(reply, 'url: an http(s) URL');
        world.webhookUrl = u as string;
        return { url: world.webhookUrl };
      });
    },
    { prefix: '/v1' },
  );
}
