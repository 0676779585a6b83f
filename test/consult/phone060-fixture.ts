import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { CallResult, Delivery } from '../../sims/phone060/index.ts';
import { SIM_PHONE060_KEY, SIM_PHONE060_WEBHOOK_SECRET } from '../../sims/phone060/index.ts';
import { startStandIn } from '../../sims/standins.ts';
import {
  Phone060,
  type Phone060CallEvent,
  Phone060Error,
  verifyPhone060Webhook,
} from '../../src/modules/consult/phone060/index.ts';

/**
 * What the phone060 tests share: the stand-in on its own port, the adapter on it, and a tiny
 * webhook receiver registered with it that checks each delivery's signature.
 */

/** A tiny webhook receiver: keeps each delivery's raw body and headers; can fail the first tries. */
export type Received = {
  raw: string;
  headers: Record<string, string>;
  event?: Phone060CallEvent;
  statusDuringStart?: string;
};

export let sim: Awaited<ReturnType<typeof startStandIn>>;
let receiver: FastifyInstance;
let receiverUrl: string;
export let received: Received[] = [];
let failNext = 0;
export let phone060: Phone060;

export const post = async <T = Record<string, unknown>>(path: string, body: unknown) => {
  const res = await fetch(sim.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};
export const simulate = (phone: string, code: string, seconds: number, delayMs?: number) =>
  post<CallResult & { error?: { code: string } }>('/simulate/call', { phone, code, seconds, delayMs });
export const deliveries = async () =>
  ((await (await fetch(`${sim.url}/deliveries`)).json()) as { deliveries: Delivery[] }).deliveries;
export const statusOf = async (code: string) =>
  (await phone060.listCounselors()).find((c) => c.code === code)?.status;

export async function failure(p: Promise<unknown>): Promise<Phone060Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Phone060Error) return err;
    throw err;
  }
  throw new Error('expected a Phone060Error');
}

let phones = 0;
/** A fresh caller number per test, so tests do not share prepaid lines. */
export const newPhone = () => `0109000${String(++phones).padStart(4, '0')}`;

/** Forgets what the receiver got (each test starts empty, and a test may start again midway). */
export function resetReceived() {
  received = [];
}

/** The receiver answers the next `n` deliveries with a 500. */
export function failDeliveries(n: number) {
  failNext = n;
}

/** Starts the stand-in and the receiver for the test file that calls it (at its top level). */
export function usePhone060StandIn() {
  beforeAll(async () => {
    sim = await startStandIn('phone060');
    phone060 = new Phone060({ url: sim.url, apiKey: SIM_PHONE060_KEY, timeoutMs: 5000 });
    receiver = Fastify({ logger: false });
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    receiver.post('/hook', async (req, reply) => {
      const raw = req.body as string;
      const r: Received = { raw, headers: req.headers as Record<string, string> };
      received.push(r);
      if (failNext > 0) {
        failNext--;
        return reply.code(500).send('not now');
      }
      const v = verifyPhone060Webhook(raw, req.headers, SIM_PHONE060_WEBHOOK_SECRET);
      if (!v.ok) return reply.code(401).send({ reason: v.reason });
      r.event = v.event;
      // The counselor's state while the call is on, asked from inside the delivery.
      if (v.event.type === 'call.started') r.statusDuringStart = await statusOf(v.event.code);
      return { ok: true };
    });
    await receiver.listen({ port: 0, host: '127.0.0.1' });
    const address = receiver.server.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    expect(await phone060.registerWebhook(receiverUrl)).toBe(receiverUrl);
  });

  afterAll(async () => {
    await sim?.close();
    await receiver?.close();
  });

  beforeEach(() => {
    received = [];
    failNext = 0;
  });
}
