import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

export const ORDER_STATES = ['created', 'paid', 'failed', 'cancelled', 'refunded'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** What a gateway told us, kept as it came (callback body, return form, status answer, cancel answers). */
export type GatewayRecords = {
  create?: Record<string, unknown>[];
  abort?: Record<string, unknown>[];
  callback?: Record<string, unknown>[];
  return?: Record<string, unknown>[];
  status?: Record<string, unknown>[];
  cancel?: Record<string, unknown>[];
};

/**
 * One payment: made by a module (or a user for a purpose a module registered), sent to a gateway,
 * settled once. `created → paid | failed | cancelled`; `paid → refunded` (a cancel after payment, whole
 * or in parts, `refunded_amount` summing them). Every change is one conditional UPDATE, so two
 * callbacks at once cannot both pay an order, and `tid` (the gateway's transaction id) is unique, so one
 * transaction cannot pay two orders.
 */
export const paymentOrders = pgTable(
  'payment_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Which use it is for (`points`); modules register purposes. */
    purpose: text('purpose').notNull(),
    /** The module's own reference (a package id, a booking id). */
    ref: text('ref').notNull(),
    /** KRW, whole won. */
    amount: integer('amount').notNull(),
    productName: text('product_name').notNull(),
    gateway: text('gateway').notNull(),
    state: text('state', { enum: ORDER_STATES }).notNull().default('created'),
    /** The gateway's transaction id, once it has one. */
    tid: text('tid'),
    /** The gateway's own handle for the payment session (Payletter's token). */
    gatewayToken: text('gateway_token'),
    refundedAmount: integer('refunded_amount').notNull().default(0),
    records: jsonb('records').$type<GatewayRecords>().notNull().default({}),
    /** Why it failed or was refused last, for admins. */
    note: text('note'),
    /** A cancel in flight at the gateway (a lease, so two admins cannot refund twice). */
    cancellingAt: ts('cancelling_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    paidAt: ts('paid_at'),
    closedAt: ts('closed_at'),
  },
  (t) => [
    check('payment_orders_amount_positive', sql`${t.amount} > 0`),
    check(
      'payment_orders_refund_within_amount',
      sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.amount}`,
    ),
    check('payment_orders_paid_has_tid', sql`${t.state} not in ('paid', 'refunded') or ${t.tid} is not null`),
    uniqueIndex('payment_orders_tid_key').on(t.tid),
    index('payment_orders_user_idx').on(t.userId, t.createdAt),
    index('payment_orders_state_idx').on(t.state, t.createdAt),
    index('payment_orders_purpose_idx').on(t.purpose, t.createdAt),
  ],
);
