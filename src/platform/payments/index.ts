import { and, desc, eq, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import { ownedOr404 } from '../access.ts';
import type { User } from '../auth/service.ts';
import { constraintName, sqlState } from '../db.ts';
import { AppError, invalidField } from '../errors.ts';
import { emit } from '../events/outbox.ts';
import { cancelOrder } from './cancel.ts';
import {
  type Device,
  type GatewayInput,
  type PaymentGateway,
  PaymentRefusal,
  type Verdict,
} from './gateway.ts';
import {
  type AdminOrderView,
  gatewayOrder,
  type OrderView,
  PAYMENT_PAID,
  type PaymentPaid,
  type PaymentsDeps,
  type Row,
  record,
  type Settled,
  UUID,
  view,
} from './orders.ts';
import { type OrderState, paymentOrders } from './schema.ts';

export { type Device, type PaymentGateway, PaymentRefusal } from './gateway.ts';
export {
  type AdminOrderView,
  type OrderView,
  PAYMENT_PAID,
  PAYMENT_REFUNDED,
  type PaymentPaid,
  type PaymentRefunded,
  type PaymentsDeps,
  type Settled,
  view,
} from './orders.ts';
export { ORDER_STATES, type OrderState } from './schema.ts';

/**
 * A use a module offers payment for. `check` runs before a user's own order (POST
 * /api/payments/orders) is made: it refuses (throws an AppError naming the field) what the module
 * does not sell, and may name the product.
 */
export type PurposeSpec = {
  name: string;
  check?: (input: {
    userId: string;
    ref: string;
    amount: number;
  }) => Promise<{ productName?: string } | undefined>;
  /** The module's own page the buyer's browser returns to (it polls the order); default /payments/result/:id. */
  resultPath?: (orderId: string) => string;
};

export type CreateOrder = {
  userId: string;
  purpose: string;
  ref: string;
  /** KRW, whole won, > 0 */
  amount: number;
  productName: string;
  device: Device;
  /** The buyer's address (Payletter's cancel asks for it). */
  ip?: string;
};

/**
 * Payments (`ctx.payments`): orders, their one-way states, and the gateway. Modules register a
 * purpose and call create(); they learn of payment through the `payment.paid` event, which is
 * written in the same transaction that marks the order paid, so it exists exactly once per order.
 */
export class Payments {
  private readonly purposes = new Map<string, PurposeSpec>();

  constructor(private readonly d: PaymentsDeps) {}

  /** Declares a purpose users may order for (and modules create orders for). */
  register(spec: PurposeSpec) {
    if (!/^[a-z][a-z0-9_.-]{0,39}$/.test(spec.name))
      throw new Error(`payment purpose ${spec.name}: a lower-case name`);
    this.purposes.set(spec.name, spec);
  }

  purposeNames(): string[] {
    return [...this.purposes.keys()];
  }

  purpose(name: string): PurposeSpec | undefined {
    return this.purposes.get(name);
  }

  configured(): boolean {
    return this.d.gateway() !== undefined;
  }

  /** The gateway in use (409 when none is configured). */
  gatewayOf(): PaymentGateway {
    return this.gateway();
  }

  private gateway(): PaymentGateway {
    const g = this.d.gateway();
    if (!g) throw new AppError(409, 'payments are not configured on this server');
    return g;
  }

  urls(orderId: string) {
    const base = this.d.publicUrl().replace(/\/+$/, '');
    const name = this.gateway().name;
    return {
      callback: `${base}/api/payments/${name}/callback`,
      return: `${base}/api/payments/${name}/return`,
      cancel: `${base}/api/payments/${name}/abort?order=${orderId}`,
    };
  }

  /** Makes an order and starts it at the gateway; answers where to send the buyer. */
  async create(input: CreateOrder): Promise<{ orderId: string; redirectUrl: string }> {
    if (!this.purposes.has(input.purpose))
      throw invalidField('purpose', `one of ${this.purposeNames().join(', ') || '(none registered)'}`);
    if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > 100_000_000) {
      throw invalidField('amount', 'whole won, 1 to 100,000,000');
    }
    const productName = input.productName.trim();
    if (!productName || productName.length > 100) throw invalidField('productName', '1 to 100 characters');
    if (!input.ref || input.ref.length > 200) throw invalidField('ref', '1 to 200 characters');
    const gateway = this.gateway();
    const [row] = await this.d.database.db
      .insert(paymentOrders)
      .values({
        userId: input.userId,
        purpose: input.purpose,
        ref: input.ref,
        amount: input.amount,
        productName,
        gateway: gateway.name,
        records: { create: [{ ip: input.ip ?? null, device: input.device }] },
      })
      .returning();
    try {
      const started = await gateway.create(gatewayOrder(row), input.device, this.urls(row.id));
      await this.d.database.db
        .update(paymentOrders)
        .set({ gatewayToken: started.token, records: record('create', started.raw), updatedAt: sql`now()` })
        .where(eq(paymentOrders.id, row.id));
      return { orderId: row.id, redirectUrl: started.redirectUrl };
    } catch (err) {
      // The gateway never took it: the order is failed, not left dangling as created.
      await this.d.database.db
        .update(paymentOrders)
        .set({
          state: 'failed',
          note: `not started: ${(err as Error).message}`.slice(0, 500),
          updatedAt: sql`now()`,
          closedAt: sql`now()`,
        })
        .where(and(eq(paymentOrders.id, row.id), eq(paymentOrders.state, 'created')));
      throw err;
    }
  }

  async get(id: string): Promise<OrderView | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.d.database.db.select().from(paymentOrders).where(eq(paymentOrders.id, id));
    return row ? view(row) : undefined;
  }

  /** An order for its owner or an admin; anyone else hears 404, as if there were none (and it is logged). */
  async forUser(actor: User, id: string, requestId?: string): Promise<OrderView> {
    const order = await this.get(id);
    try {
      return ownedOr404(actor, order, (o) => o.userId, 'order');
    } catch (err) {
      // Someone asking for another's order is worth an admin's look; a missing one is not.
      if (order) {
        await this.d.serverLog.write({
          level: 'warn',
          source: 'payments',
          message: `order ${id} asked for by someone else than its owner`,
          data: { orderId: id },
          actorId: actor.id,
          requestId,
        });
      }
      throw err;
    }
  }

  /** Admins' list, newest first; filter by state, user, purpose; page with `before` (an ISO time). */
  async list(f: { state?: OrderState; userId?: string; purpose?: string; before?: Date; limit: number }) {
    const where: SQL[] = [];
    if (f.state) where.push(eq(paymentOrders.state, f.state));
    if (f.userId) where.push(eq(paymentOrders.userId, f.userId));
    if (f.purpose) where.push(eq(paymentOrders.purpose, f.purpose));
    if (f.before) where.push(lt(paymentOrders.createdAt, f.before));
    const rows = await this.d.database.db
      .select({
        o: paymentOrders,
        email: sql<string | null>`(select email from users u where u.id = ${paymentOrders.userId})`,
      })
      .from(paymentOrders)
      .where(and(...where))
      .orderBy(desc(paymentOrders.createdAt), desc(paymentOrders.id))
      .limit(f.limit + 1);
    const page = rows
      .slice(0, f.limit)
      .map((r): AdminOrderView => ({ ...view(r.o), userEmail: r.email, records: r.o.records }));
    return {
      orders: page,
      nextBefore: rows.length > f.limit ? (page[page.length - 1]?.createdAt ?? null) : null,
    };
  }

  private async refuse(
    err: PaymentRefusal,
    input: GatewayInput,
    orderId: string | undefined,
    requestId?: string,
  ) {
    await this.d.serverLog.write({
      level: 'warn',
      source: 'payments',
      message: `${input.kind} refused (${err.reason}): ${err.message}`,
      data: {
        kind: input.kind,
        reason: err.reason,
        orderId: orderId ?? null,
        tid: typeof input.fields.tid === 'string' ? input.fields.tid : null,
      },
      requestId,
    });
    return err;
  }

  /**
   * Acts on a callback, a return or an abort: verifies it with the gateway, then moves the order in
   * one conditional UPDATE. A second delivery of the same result changes nothing (`duplicate`);
   * anything forged or inconsistent is refused (PaymentRefusal, logged) and changes nothing.
   */
  async settle(input: GatewayInput, requestId?: string): Promise<Settled> {
    const gateway = this.gateway();
    const orderId = gateway.orderIdOf(input);
    const [row] =
      orderId && UUID.test(orderId)
        ? await this.d.database.db.select().from(paymentOrders).where(eq(paymentOrders.id, orderId))
        : [];
    if (!row || row.gateway !== gateway.name) {
      throw await this.refuse(
        new PaymentRefusal('unknown_order', 'no such order'),
        input,
        orderId,
        requestId,
      );
    }
    let verdict: Verdict;
    try {
      verdict = await gateway.verify(input, gatewayOrder(row));
    } catch (err) {
      if (err instanceof PaymentRefusal) throw await this.refuse(err, input, row.id, requestId);
      throw err;
    }
    const kind = input.kind;
    const raw = { ...input.fields, receivedAt: new Date().toISOString() };
    if (verdict.outcome === 'pending') return { order: view(row), outcome: 'pending' };
    if (verdict.outcome === 'paid') return this.markPaid(row, verdict, kind, raw, input, requestId);
    const to: OrderState = verdict.outcome === 'failed' ? 'failed' : 'cancelled';
    const [moved] = await this.d.database.db
      .update(paymentOrders)
      .set({
        state: to,
        note: verdict.outcome === 'failed' ? verdict.reason.slice(0, 500) : 'the buyer left the payment page',
        records: record(kind, raw),
        updatedAt: sql`now()`,
        closedAt: sql`now()`,
      })
      .where(and(eq(paymentOrders.id, row.id), eq(paymentOrders.state, 'created')))
      .returning();
    return { order: view(moved ?? row), outcome: verdict.outcome };
  }

  private async markPaid(
    row: Row,
    verdict: Extract<Verdict, { outcome: 'paid' }>,
    kind: GatewayInput['kind'],
    raw: Record<string, unknown>,
    input: GatewayInput,
    requestId?: string,
  ): Promise<Settled> {
    let paid: Row | undefined;
    try {
      paid = await this.d.tx(async (tx) => {
        let set = record(kind, raw);
        if (verdict.records.status)
          set = sql`jsonb_set(${set}, '{status}', coalesce(${paymentOrders.records}->'status', '[]'::jsonb) || jsonb_build_array(${JSON.stringify(verdict.records.status)}::jsonb))`;
        const [moved] = await tx
          .update(paymentOrders)
          .set({
            state: 'paid',
            tid: verdict.tid,
            records: set,
            note: null,
            paidAt: sql`now()`,
            updatedAt: sql`now()`,
            closedAt: null,
          })
          // A buyer's abort or a failure first, then the gateway's completed word: the money moved, so paid.
          .where(
            and(
              eq(paymentOrders.id, row.id),
              inArray(paymentOrders.state, ['created', 'failed', 'cancelled']),
              isNull(paymentOrders.tid),
            ),
          )
          .returning();
        if (moved) {
          const event: PaymentPaid = {
            orderId: moved.id,
            userId: moved.userId,
            purpose: moved.purpose,
            ref: moved.ref,
            amount: moved.amount,
            gateway: moved.gateway,
            tid: verdict.tid,
          };
          await emit(tx, PAYMENT_PAID, event);
        }
        return moved;
      });
    } catch (err) {
      if (sqlState(err) === '23505' && constraintName(err) === 'payment_orders_tid_key') {
        throw await this.refuse(
          new PaymentRefusal('replayed', 'this transaction already paid another order'),
          input,
          row.id,
          requestId,
        );
      }
      throw err;
    }
    if (paid) {
      this.d.log.info({ orderId: paid.id, purpose: paid.purpose, amount: paid.amount }, 'payment paid');
      return { order: view(paid), outcome: 'paid' };
    }
    const [now] = await this.d.database.db.select().from(paymentOrders).where(eq(paymentOrders.id, row.id));
    if (now?.tid === verdict.tid) {
      // The first result of each kind is kept (the return after the callback, say); repeats are not.
      await this.d.database.db
        .update(paymentOrders)
        .set({ records: record(kind, raw) })
        .where(and(eq(paymentOrders.id, row.id), sql`not (${paymentOrders.records} ? ${kind})`));
      await this.d.serverLog.write({
        level: 'info',
        source: 'payments',
        message: `duplicate ${kind} for order ${row.id}: already settled, nothing changed`,
        data: { kind, orderId: row.id, tid: verdict.tid },
        requestId,
      });
      return { order: view(now), outcome: 'duplicate' };
    }
    throw await this.refuse(
      new PaymentRefusal('replayed', 'this order was settled by another transaction'),
      input,
      row.id,
      requestId,
    );
  }

  /**
   * Cancels an order (an admin): an unpaid one is closed as cancelled; a paid one is refunded at the
   * gateway, whole or `amount` of what is left, and becomes `refunded` with the sum recorded.
   */
  cancel(
    actor: { id: string },
    id: string,
    amount: number | undefined,
    requestId?: string,
  ): Promise<OrderView> {
    return cancelOrder(this.d, () => this.gateway(), { actorId: actor.id, id, amount, requestId });
  }
}
