import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../src/platform/db.ts';
import { PaymentRefusal, Payments } from '../../src/platform/payments/index.ts';
import { TossGateway } from '../../src/platform/payments/toss.ts';
import { harness } from '../harness.ts';
import { backends, freshPostgres } from '../helpers.ts';

/**
 * Toss Payments' confirm flow through the same service: the browser returns with paymentKey,
 * orderId and amount, and only the server's confirm call moves the money. A small Toss stand-in
 * answers confirm, the order lookup and cancel as Toss documents them (Basic auth: secret key + ':').
 */

const SECRET = 'test_sk_standin_0000';

type TossPayment = {
  paymentKey: string;
  orderId: string;
  totalAmount: number;
  balanceAmount: number;
  status: string;
  cancels: Record<string, unknown>[];
};

/** Toss as far as this flow needs it; `sessions` are payments the browser started (paymentKey → order, amount). */
async function tossStandIn() {
  const sessions = new Map<string, { orderId: string; amount: number }>();
  const payments = new Map<string, TossPayment>();
  const seen = { confirms: 0, rejectNext: false };
  const app: FastifyInstance = Fastify();
  app.addHook('onRequest', async (req, reply) => {
    if (req.headers.authorization !== `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}`)
      return reply.code(401).send({ code: 'UNAUTHORIZED_KEY', message: 'bad key' });
  });
  app.post('/v1/payments/confirm', async (req, reply) => {
    seen.confirms++;
    const b = req.body as { paymentKey: string; orderId: string; amount: number };
    const s = sessions.get(b.paymentKey);
    if (!s) return reply.code(404).send({ code: 'NOT_FOUND_PAYMENT_SESSION', message: 'expired' });
    if (s.orderId !== b.orderId || s.amount !== b.amount)
      return reply.code(403).send({ code: 'FORBIDDEN_REQUEST', message: 'mismatch' });
    if (seen.rejectNext) {
      seen.rejectNext = false;
      return reply.code(403).send({ code: 'REJECT_CARD_COMPANY', message: 'declined' });
    }
    if (payments.has(b.paymentKey))
      return reply.code(400).send({ code: 'ALREADY_PROCESSED_PAYMENT', message: 'done' });
    const p = {
      paymentKey: b.paymentKey,
      orderId: b.orderId,
      totalAmount: b.amount,
      balanceAmount: b.amount,
      status: 'DONE',
      cancels: [],
    };
    payments.set(b.paymentKey, p);
    return p;
  });
  app.get('/v1/payments/orders/:orderId', async (req, reply) => {
    const p = [...payments.values()].find((x) => x.orderId === (req.params as { orderId: string }).orderId);
    return p ?? reply.code(404).send({ code: 'NOT_FOUND_PAYMENT', message: 'none' });
  });
  app.post('/v1/payments/:key/cancel', async (req, reply) => {
    const p = payments.get((req.params as { key: string }).key);
    const b = req.body as { cancelReason: string; cancelAmount?: number };
    const amount = b.cancelAmount ?? p?.balanceAmount ?? 0;
    if (!p || amount > p.balanceAmount)
      return reply.code(400).send({ code: 'NOT_CANCELABLE_AMOUNT', message: 'too much' });
    p.balanceAmount -= amount;
    p.status = p.balanceAmount === 0 ? 'CANCELED' : 'PARTIAL_CANCELED';
    p.cancels.push({
      cancelAmount: amount,
      cancelReason: b.cancelReason,
      canceledAt: new Date().toISOString(),
    });
    return p;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    sessions,
    seen,
    close: () => app.close(),
  };
}

describe.each(backends)('the Toss confirm flow through PaymentGateway (%s)', (backend) => {
  let h: Awaited<ReturnType<typeof harness>>;
  let drop = async () => {};
  let toss: Awaited<ReturnType<typeof tossStandIn>>;
  let payments: Payments;
  let userId: string;

  beforeAll(async () => {
    toss = await tossStandIn();
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const fresh = await freshPostgres();
      databaseUrl = fresh.url;
      drop = fresh.drop;
    }
    h = await harness([], { databaseUrl });
    const ctx = h.y.ctx;
    const gateway = new TossGateway({
      url: () => toss.url,
      secretKey: SECRET,
      checkoutUrl: (id) => `http://shop.test/pay/${id}`,
    });
    payments = new Payments({
      database: ctx.database,
      log: ctx.log,
      serverLog: ctx.serverLog,
      tx: ctx.tx,
      gateway: () => gateway,
      publicUrl: () => 'http://shop.test',
    });
    payments.register({ name: 'test' });
    userId = (
      await h.y.auth.addUser({
        email: `toss-${randomUUID().slice(0, 6)}@test.yeyak`,
        password: 'password-123',
        role: 'user',
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await drop();
    await toss?.close();
  });

  /** The buyer pays in Toss's window and comes back to the success URL. */
  const payInBrowser = async (amount: number) => {
    const { orderId, redirectUrl } = await payments.create({
      userId,
      purpose: 'test',
      ref: 'r',
      amount,
      productName: '테스트',
      device: 'pc',
    });
    expect(redirectUrl).toBe(`http://shop.test/pay/${orderId}`);
    const paymentKey = `tgen_${randomUUID().replace(/-/g, '')}`;
    toss.sessions.set(paymentKey, { orderId, amount });
    return { orderId, fields: { paymentKey, orderId, amount: String(amount) } };
  };
  const events = async (orderId: string) =>
    Number(
      (
        await selectRows<{ n: unknown }>(
          h.y.ctx.database.db,
          sql`select count(*) as n from outbox where payload->>'orderId' = ${orderId} and topic = 'payment.paid'`,
        )
      )[0].n,
    );

  it('pays only after the server confirms, once, and a reload of the success page changes nothing', async () => {
    const { orderId, fields } = await payInBrowser(7000);
    const before = toss.seen.confirms;
    const first = await payments.settle({ kind: 'return', fields });
    expect(first.outcome).toBe('paid');
    expect(first.order).toMatchObject({ state: 'paid', tid: fields.paymentKey });
    const again = await payments.settle({ kind: 'return', fields });
    expect(again.outcome).toBe('duplicate');
    expect(toss.seen.confirms - before).toBe(1);
    expect(await events(orderId)).toBe(1);
  });

  it('never confirms a tampered amount', async () => {
    const { orderId, fields } = await payInBrowser(7000);
    const before = toss.seen.confirms;
    const err = await payments
      .settle({ kind: 'return', fields: { ...fields, amount: '700' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PaymentRefusal);
    expect(err.reason).toBe('amount_mismatch');
    expect(toss.seen.confirms).toBe(before);
    expect((await payments.get(orderId))?.state).toBe('created');
  });

  it('a confirm Toss refuses leaves the order failed, with nothing paid', async () => {
    const { orderId, fields } = await payInBrowser(3000);
    toss.seen.rejectNext = true;
    const r = await payments.settle({ kind: 'return', fields });
    expect(r.outcome).toBe('failed');
    expect((await payments.get(orderId))?.state).toBe('failed');
    expect(await events(orderId)).toBe(0);
  });

  it('refunds in parts through Toss’s cancel', async () => {
    const { orderId, fields } = await payInBrowser(9000);
    await payments.settle({ kind: 'return', fields });
    const admin = { id: userId };
    expect(await payments.cancel(admin, orderId, 4000)).toMatchObject({
      state: 'refunded',
      refundedAmount: 4000,
    });
    expect(await payments.cancel(admin, orderId, 4000)).toMatchObject({ refundedAmount: 8000 });
    expect(await payments.cancel(admin, orderId, undefined)).toMatchObject({ refundedAmount: 9000 });
  });
});
