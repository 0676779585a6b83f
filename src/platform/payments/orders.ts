import { type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db.ts';
import type { ServerLog } from '../serverlog/index.ts';
import type { GatewayOrder, PaymentGateway } from './gateway.ts';
import { type GatewayRecords, type OrderState, paymentOrders } from './schema.ts';

/** Topics of the events payments publish (in the transaction that changes the order). */
export const PAYMENT_PAID = 'payment.paid';
export const PAYMENT_REFUNDED = 'payment.refunded';

/** `payment.paid`: an order was paid; the module of `purpose` delivers what `ref` names, once. */
export type PaymentPaid = {
  orderId: string;
  userId: string;
  purpose: string;
  ref: string;
  amount: number;
  gateway: string;
  tid: string;
};

/** `payment.refunded`: `amount` of an order was given back (`refundedTotal` so far; `full` when all). */
export type PaymentRefunded = Omit<PaymentPaid, 'tid'> & { refundedTotal: number; full: boolean };

export type OrderView = {
  id: string;
  userId: string;
  purpose: string;
  ref: string;
  amount: number;
  productName: string;
  gateway: string;
  state: OrderState;
  tid: string | null;
  refundedAmount: number;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  closedAt: string | null;
};

export type AdminOrderView = OrderView & { userEmail: string | null; records: GatewayRecords };

export type Settled = { order: OrderView; outcome: 'paid' | 'duplicate' | 'failed' | 'aborted' | 'pending' };

export type Row = typeof paymentOrders.$inferSelect;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const view = (r: Row): OrderView => ({
  id: r.id,
  userId: r.userId,
  purpose: r.purpose,
  ref: r.ref,
  amount: r.amount,
  productName: r.productName,
  gateway: r.gateway,
  state: r.state,
  tid: r.tid,
  refundedAmount: r.refundedAmount,
  note: r.note,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  paidAt: r.paidAt?.toISOString() ?? null,
  closedAt: r.closedAt?.toISOString() ?? null,
});

export const gatewayOrder = (r: Row): GatewayOrder => ({
  id: r.id,
  userId: r.userId,
  amount: r.amount,
  productName: r.productName,
  tid: r.tid,
  token: r.gatewayToken,
  ip: typeof r.records.create?.[0]?.ip === 'string' ? (r.records.create[0].ip as string) : null,
});

/** Appends one raw answer to records[kind] (an array per kind, oldest first). */
export const record = (kind: keyof GatewayRecords, payload: unknown): SQL =>
  sql`jsonb_set(${paymentOrders.records}, ${`{${kind}}`}::text[], coalesce(${paymentOrders.records}->${kind}, '[]'::jsonb) || jsonb_build_array(${JSON.stringify(payload)}::jsonb))`;

export type PaymentsDeps = {
  database: Database;
  log: Logger;
  serverLog: ServerLog;
  /** Runs fn in one transaction and nudges the outbox relay after it commits (ctx.tx). */
  tx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
  /** The gateway in use, or undefined when none is configured. */
  gateway: () => PaymentGateway | undefined;
  /** Our public base URL (callback and return URLs are built on it). */
  publicUrl: () => string;
};
