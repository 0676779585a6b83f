import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKktixSim } from '../../sims/kktix/index.ts';
import {
  contactOf,
  createKktixClient,
  diffAttendees,
  type KktixAttendee,
  KktixError,
  parseKktixWebhook,
} from '../../src/modules/registration/sources/kktix.ts';
import { AppError } from '../../src/platform/errors.ts';

const EVENT = 2001;

describe('KKTIX client against the stand-in', () => {
  let sim: Awaited<ReturnType<typeof startKktixSim>>;
  beforeAll(async () => {
    sim = await startKktixSim({
      seed: 7,
      events: [
        { id: EVENT, name: 'PyCon TW 2025 Registration: Individual', attendees: 5000 },
        { id: 2002, name: 'PyCon TW 2025 Registration: Corporate', attendees: 5, unpaid: 3 },
      ],
    });
  });
  afterAll(() => sim.close());

  const client = (over: Partial<Parameters<typeof createKktixClient>[0]> = {}) =>
    createKktixClient({ baseUrl: sim.url, token: sim.token(), minIntervalMs: 0, ...over });

  it('lists events and reads attendees in the documented shapes', async () => {
    const kktix = client();
    const events = await kktix.listEvents();
    expect(events.map((e) => e.id)).toEqual([EVENT, 2002]);
    const ids = await kktix.attendeeIds(2002);
    expect(ids).toHaveLength(8);
    const a = await kktix.getAttendee(2002, ids[0]);
    expect(a.is_paid).toBe(true);
    expect(typeof a.updated_at).toBe('number');
    const c = contactOf(a);
    expect(c.email).toMatch(/@example\.com$/);
    expect(c.phone).toMatch(/^09\d\d-\d{3}-\d{3}$/);
    expect(c.name).toBeTruthy();
    expect(sim.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('syncs 5,000 attendees with 50 new and 5 refunded in 52 requests', async () => {
    // The stored state of the previous run: every record as the API served it.
    const known = new Map<number, KktixAttendee>(sim.attendees(EVENT).map((a) => [a.id, a as KktixAttendee]));
    expect(known.size).toBe(5000);
    const added = sim.addPaid(EVENT, 50);
    const refunded = sim.refund(EVENT, 5);
    sim.resetRequests();

    const kktix = client();
    const run = await kktix.syncEvent(EVENT, { known });
    // 1 attendance-book list + 1 attendance book (all 5,045 ids) + 50 new attendee records.
    expect(run.requests).toBe(52);
    expect(sim.requests).toHaveLength(52);
    expect(run.fetched).toBe(50);
    expect(run.ids).toHaveLength(5045);

    const diff = diffAttendees(known, run.attendees);
    expect(diff.added.map((a) => a.id).sort()).toEqual(added.map((a) => a.id).sort());
    expect(diff.refunded.map((a) => a.id).sort()).toEqual(refunded.map((a) => a.id).sort());
    expect(diff.changed).toEqual([]);
  });

  it('a first sync with nothing stored costs 2 + N requests (measured for 5,000+)', async () => {
    sim.resetRequests();
    const run = await client({ concurrency: 8 }).syncEvent(EVENT);
    expect(run.requests).toBe(2 + run.ids.length);
    expect(run.attendees.size).toBe(run.ids.length);
  });

  it('refetches known unpaid tickets so a later payment is seen', async () => {
    const first = await client().syncEvent(2002);
    const unpaid = [...first.attendees.values()].filter((a) => !a.is_paid);
    expect(unpaid).toHaveLength(3);
    sim.pay(2002, [unpaid[0].id]);
    const second = await client().syncEvent(2002, { known: first.attendees });
    expect(second.requests).toBe(2 + 3); // the book, and the three unpaid ones again
    const diff = diffAttendees(first.attendees, second.attendees);
    expect(diff.added.map((a) => a.id)).toEqual([unpaid[0].id]);
    expect(diff.refunded).toEqual([]);
  });

  it('skips an attendee whose record vanished between the book and the read', async () => {
    const ids = await client().attendeeIds(2002);
    const victim = ids[1];
    const fetchWith404: typeof fetch = (input, init) =>
      String(input).endsWith(`/attendees/${victim}`)
        ? Promise.resolve(new Response('{"message":"Not Found"}', { status: 404 }))
        : fetch(input, init);
    const run = await client({ fetch: fetchWith404 }).syncEvent(2002);
    expect(run.missing).toEqual([victim]);
    expect(run.ids).not.toContain(victim);
    expect(run.attendees.has(victim)).toBe(false);
  });

  it('a wrong token is a typed 401 error', async () => {
    const err = await client({ token: 'wrong' })
      .listEvents()
      .catch((e) => e);
    expect(err).toBeInstanceOf(KktixError);
    expect(err.reason).toBe('unauthorized');
    expect(err.details.upstreamStatus).toBe(401);
    expect(err.message).toMatch(/token/);
  });

  it('an unknown event is a typed not-found error', async () => {
    const err = await client()
      .attendeeIds(999_999)
      .catch((e) => e);
    expect(err).toBeInstanceOf(KktixError);
    expect(err.reason).toBe('not_found');
    expect(err.status).toBe(404);
  });

  it('rate limiting: waits through a short Retry-After, fails typed on a long one', async () => {
    sim.setRateLimit({ limit: 1, windowMs: 60_000, retryAfterSeconds: 120 });
    try {
      const kktix = client();
      await kktix.listEvents();
      const err = await kktix.listEvents().catch((e) => e);
      expect(err).toBeInstanceOf(KktixError);
      expect(err.reason).toBe('rate_limited');
      expect(err.details.retryAfterMs).toBe(120_000);
    } finally {
      sim.setRateLimit(undefined);
    }
  });

  it('paces requests', async () => {
    const kktix = client({ minIntervalMs: 40 });
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) await kktix.listEvents();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 40 - 5);
  });

  it('sends a webhook batch that the parser accepts', async () => {
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        got.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const added = sim.addPaid(2002, 2);
      sim.refund(2002, [added[0].id]);
      const sent = await sim.sendWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
      expect(sent.status).toBe(200);
      const batch = parseKktixWebhook(got[0]);
      expect(batch.orders.some((o) => o.state === 'cancelled')).toBe(true);
      expect(batch.orders.flatMap((o) => o.attendeeIds)).toContain(added[0].id);
      expect(new Set(batch.orders.map((o) => o.eventId))).toEqual(new Set([EVENT, 2002]));
      expect(sim.webhookBatch().orders).toEqual([]); // cleared once delivered
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

describe('diffAttendees', () => {
  const a = (id: number, over: Partial<KktixAttendee> = {}) =>
    ({
      id,
      is_paid: true,
      state: 'activated',
      ticket_name: 'Regular',
      data: [],
      updated_at: 1,
      ...over,
    }) as KktixAttendee;

  it('finds added, changed and refunded by id', () => {
    const prev = [a(1), a(2), a(3), a(4, { is_paid: false }), a(5)];
    const cur = [
      a(1),
      a(2, { ticket_name: 'VIP', updated_at: 2 }), // changed
      // 3 disappeared: refunded
      a(4), // paid now: added
      a(5, { state: 'cancelled' }), // cancelled: refunded
      a(6), // new
      a(7, { is_paid: false }), // new but unpaid: nothing yet
    ];
    const d = diffAttendees(prev, cur);
    expect(d.added.map((x) => x.id)).toEqual([4, 6]);
    expect(d.changed.map((x) => x.after.id)).toEqual([2]);
    expect(d.refunded.map((x) => x.id).sort()).toEqual([3, 5]);
  });

  it('ignores key order and unchanged records; accepts maps', () => {
    const prev = new Map([[1, { id: 1, is_paid: true, state: 'activated', x: { b: 1, a: 2 } }]]);
    const cur = new Map([[1, { state: 'activated', x: { a: 2, b: 1 }, is_paid: true, id: 1 }]]);
    expect(diffAttendees(prev, cur)).toEqual({ added: [], changed: [], refunded: [] });
  });

  it('a ticket unpaid again counts as refunded, a record never paid never does', () => {
    const d = diffAttendees([a(1), a(2, { is_paid: false })], [a(1, { is_paid: false })]);
    expect(d.refunded.map((x) => x.id)).toEqual([1]);
  });
});

describe('parseKktixWebhook', () => {
  const order = {
    order_no: 127666621,
    event_id: 2001,
    state: 'activated',
    is_paid: true,
    attendees: [{ id: 5 }],
  };

  it('accepts a batch object, a bare array and raw text', () => {
    expect(parseKktixWebhook({ orders: [order] }).orders[0]).toEqual({
      orderNo: '127666621',
      eventId: 2001,
      state: 'activated',
      paid: true,
      attendeeIds: [5],
    });
    expect(parseKktixWebhook([order]).orders).toHaveLength(1);
    const t = parseKktixWebhook(JSON.stringify({ orders: [{ ...order, updated_at: 1656921502.5 }] }));
    expect(t.orders[0].updatedAt).toBe(1656921502500);
  });

  it('accepts what KKTIX documents without guessing more: any batch of order objects', () => {
    // KKTIX sends batched POSTs of created/paid or cancelled orders but documents no field names.
    expect(parseKktixWebhook({ orders: [] }).orders).toEqual([]);
    expect(parseKktixWebhook({ data: [order] }).orders[0].orderNo).toBe('127666621');
    expect(parseKktixWebhook([{ 訂單編號: 'A-1', status: 'paid', extra: { x: 1 } }, {}]).orders).toEqual([
      { attendeeIds: [] },
      { attendeeIds: [] },
    ]);
    expect(parseKktixWebhook([{ ...order, state: 'refunded', event_id: '2001' }]).orders[0]).toMatchObject({
      state: 'refunded',
      eventId: 2001,
    });
    expect(parseKktixWebhook(Buffer.from(JSON.stringify([order]))).orders).toHaveLength(1);
  });

  it.each([
    ['not json', '{"orders": [', 'body'],
    ['empty text', '  ', 'body'],
    ['no list of orders', { order: order }, 'body.orders'],
    ['orders not a list', { orders: order }, 'body.orders'],
    ['a bare order', 'null', 'body.orders'],
    ['order not an object', { orders: [order, 3] }, 'body.orders[1]'],
    ['empty order_no', { orders: [{ ...order, order_no: ' ' }] }, 'body.orders[0].order_no'],
    ['state not text', { orders: [order, { ...order, state: 7 }] }, 'body.orders[1].state'],
    ['bad is_paid', { orders: [{ ...order, is_paid: 'yes' }] }, 'body.orders[0].is_paid'],
    ['bad time', { orders: [{ ...order, updated_at: 'yesterday' }] }, 'body.orders[0].updated_at'],
    ['bad attendees', { orders: [{ ...order, attendees: 5 }] }, 'body.orders[0].attendees'],
    ['bad attendee', { orders: [{ ...order, attendees: [{ id: 'x' }] }] }, 'body.orders[0].attendees[0].id'],
    ['bad event id', [{ ...order, event_id: 1.5 }], 'body[0].event_id'],
    ['bad order in data', { data: [order, { ...order, is_paid: 1 }] }, 'body.data[1].is_paid'],
  ])('rejects %s, naming the field', (_name, body, path) => {
    let err: unknown;
    try {
      parseKktixWebhook(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).data).toMatchObject({ errors: [{ path, message: expect.any(String) }] });
  });
});
