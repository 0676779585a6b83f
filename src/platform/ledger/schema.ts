import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

/**
 * Points accounts. `balance` and `pending` are caches of the transfers (check() recomputes them);
 * a wallet may never spend what it has promised to holds, which the database enforces.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['wallet', 'bonus', 'payable', 'system'] }).notNull(),
    ownerId: uuid('owner_id').references(() => users.id),
    /** A system account's well-known name (`pg_clearing`, `promo`); wallets have none. A `bonus` wallet
     * holds promotional points apart from the paid ones in `wallet`. */
    name: text('name'),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
    /** The sum of this account's holds not yet posted or voided. */
    pending: bigint('pending', { mode: 'number' }).notNull().default(0),
    mayGoNegative: boolean('may_go_negative').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('ledger_accounts_not_overdrawn', sql`${t.mayGoNegative} or ${t.balance} - ${t.pending} >= 0`),
    check('ledger_accounts_pending_not_negative', sql`${t.pending} >= 0`),
    // Only wallets (paid and bonus points) are held to their balance; system and payable accounts are
    // the other side of it.
    check(
      'ledger_accounts_wallets_stay_positive',
      sql`(${t.kind} in ('wallet', 'bonus')) = (not ${t.mayGoNegative})`,
    ),
    uniqueIndex('ledger_accounts_name_key').on(t.name),
    uniqueIndex('ledger_accounts_owner_kind_key').on(t.ownerId, t.kind),
  ],
);

/**
 * Every movement of points, append-only (a trigger refuses UPDATE and DELETE). `id` is the caller's
 * idempotency key. A hold is a `pending` row; the row that posts or voids it names it in `pending_id`,
 * which is unique, so a hold resolves once.
 */
export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    id: text('id').primaryKey(),
    debitAccountId: uuid('debit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: uuid('credit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    ref: text('ref'),
    state: text('state', { enum: ['posted', 'pending', 'voided'] }).notNull(),
    expiresAt: ts('expires_at'),
    pendingId: text('pending_id'),
    debitBalanceAfter: bigint('debit_balance_after', { mode: 'number' }).notNull(),
    creditBalanceAfter: bigint('credit_balance_after', { mode: 'number' }).notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('ledger_transfers_amount_positive', sql`${t.amount} > 0`),
    check('ledger_transfers_two_accounts', sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check('ledger_transfers_id_length', sql`length(${t.id}) between 1 and 255`),
    uniqueIndex('ledger_transfers_pending_id_key').on(t.pendingId),
    index('ledger_transfers_debit_idx').on(t.debitAccountId),
    index('ledger_transfers_credit_idx').on(t.creditAccountId),
    index('ledger_transfers_holds_due_idx').on(t.expiresAt).where(sql`${t.state} = 'pending'`),
  ],
);
