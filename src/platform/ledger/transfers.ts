import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { constraintError } from '../constraints.ts';
import { constraintName, type Database, selectRows, sqlState, type Tx } from '../db.ts';
import { AppError, invalidField, notFound } from '../errors.ts';
import { ledgerAccounts, ledgerTransfers } from './schema.ts';

// Moving points: transfer, hold, post, void. Each runs in one transaction that locks its accounts in
// id order first (so two transfers between the same accounts cannot deadlock), then lets the database's
// CHECK refuse an overdraft. The transfer id is the caller's idempotency key.

export type TransferState = 'posted' | 'pending' | 'voided';

export type Transfer = {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  kind: string;
  ref: string | null;
  state: TransferState;
  expiresAt: string | null;
  /** On a post or void: the hold it resolves. */
  pendingId: string | null;
  debitBalanceAfter: number;
  creditBalanceAfter: number;
  createdAt: string;
};

export type TransferInput = {
  /** The idempotency key: the same id with the same fields returns the first result. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  kind: string;
  ref?: string;
};

export type HoldInput = TransferInput & { expiresAt?: Date };
export type PostInput = { id: string; holdId: string; amount?: number };
/**
 * One hold drawn from several accounts in the order given (bonus points before paid ones, say): each
 * account gives what it has until `amount` is covered; one pending row per account drawn, with ids
 * `<id>:0`, `<id>:1` …, all in one transaction or none.
 */
export type SplitHoldInput = Omit<HoldInput, 'debitAccountId'> & { debitAccountIds: string[] };
export type VoidInput = { id: string; holdId: string };

/** Why the ledger refuses, in the envelope's data.code. */
export type LedgerRefusal =
  | 'ledger.id_reused'
  | 'ledger.insufficient'
  | 'ledger.hold_expired'
  | 'ledger.hold_posted'
  | 'ledger.hold_voided';

export const refuse = (code: LedgerRefusal, message: string, path?: string) =>
  new AppError(409, message, { code, ...(path ? { errors: [{ path, message }] } : {}) });

/** The wallet check answered as the client's error (registered with the platform in index.ts). */
export const ledgerConstraints = {
  ledger_accounts_not_overdrawn: {
    status: 409,
    message: 'not enough points: the balance less its holds cannot go below zero',
    code: 'ledger.insufficient',
    path: 'amount',
  },
};

/** The void made by the expiry sweep, so a late post of that hold hears "expired". */
const EXPIRE_KIND = 'expire';

const view = (r: typeof ledgerTransfers.$inferSelect): Transfer => ({
  ...r,
  state: r.state,
  expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
});

function validate(input: TransferInput) {
  if (typeof input.id !== 'string' || input.id.length < 1 || input.id.length > 255)
    throw invalidField('id', '1 to 255 characters');
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
    throw invalidField('amount', 'a whole number of points above zero');
  if (input.debitAccountId === input.creditAccountId)
    throw invalidField('creditAccountId', 'must differ from the debit account');
  if (!input.kind) throw invalidField('kind', 'required');
}

type Step<T> = (tx: Tx) => Promise<T>;

export class Transfers {
  constructor(private readonly database: Database) {}

  /**
   * One transaction; a concurrent transfer that took the same id first makes ours fail on the
   * primary key, and the second try then finds it and answers as a replay.
   */
  private async run<T>(step: Step<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.db.transaction(step);
      } catch (err) {
        const known = constraintError(err);
        if (known) throw known;
        const name = constraintName(err);
        const raced =
          sqlState(err) === '23505' &&
          (name === 'ledger_transfers_pkey' || name === 'ledger_transfers_pending_id_key');
        if (!raced || attempt >= 3) throw err;
      }
    }
  }

  /** The earlier transfer with this id: returned if it asked the same, else the id is reused. */
  private async replay(tx: Tx, id: string, same: (t: Transfer) => boolean): Promise<Transfer | undefined> {
    const [row] = await tx.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, id));
    if (!row) return undefined;
    const earlier = view(row);
    if (!same(earlier))
      throw refuse('ledger.id_reused', `transfer id ${id} was used for a different transfer`, 'id');
    return earlier;
  }

  /** Locks the accounts in id order (the one order every transfer uses); answers their balances. */
  private async lock(tx: Tx, ids: string[], paths: Record<string, string>) {
    const rows = await tx
      .select({ id: ledgerAccounts.id, balance: ledgerAccounts.balance })
      .from(ledgerAccounts)
      .where(inArray(ledgerAccounts.id, ids))
      .orderBy(asc(ledgerAccounts.id))
      .for('update');
    for (const id of ids)
      if (!rows.some((r) => r.id === id)) throw invalidField(paths[id] ?? 'accountId', 'no such account');
    return new Map(rows.map((r) => [r.id, r.balance]));
  }

  /**
   * Changes the locked accounts in one statement (the CHECK refuses an overdraft here) and answers
   * each account's balance after; an account not changed keeps the balance read when locking.
   */
  private async move(
    tx: Tx,
    locked: Map<string, number>,
    changes: { id: string; balance: number; pending: number }[],
  ) {
    const moved = changes.filter((c) => c.balance !== 0 || c.pending !== 0);
    if (moved.length) {
      const values = sql.join(
        moved.map((c) => sql`(${c.id}::uuid, ${c.balance}::bigint, ${c.pending}::bigint)`),
        sql`, `,
      );
      const rows = await selectRows<{ id: string; balance: unknown }>(
        tx,
        sql`update ledger_accounts a set balance = a.balance + c.balance, pending = a.pending + c.pending
            from (values ${values}) as c(id, balance, pending)
            where a.id = c.id returning a.id, a.balance`,
      );
      for (const r of rows) locked.set(r.id, Number(r.balance));
    }
    return (id: string) => locked.get(id) as number;
  }

  private async write(tx: Tx, row: typeof ledgerTransfers.$inferInsert) {
    const [written] = await tx.insert(ledgerTransfers).values(row).returning();
    return view(written);
  }

  private sameMove(input: TransferInput, state: TransferState) {
    return (t: Transfer) =>
      t.state === state &&
      t.pendingId === null &&
      t.debitAccountId === input.debitAccountId &&
      t.creditAccountId === input.creditAccountId &&
      t.amount === input.amount &&
      t.kind === input.kind &&
      t.ref === (input.ref ?? null);
  }

  private paths(input: TransferInput) {
    return { [input.debitAccountId]: 'debitAccountId', [input.creditAccountId]: 'creditAccountId' };
  }

  /** Moves points at once from the debit account to the credit account. */
  transfer(input: TransferInput): Promise<Transfer> {
    validate(input);
    return this.run(async (tx) => {
      const earlier = await this.replay(tx, input.id, this.sameMove(input, 'posted'));
      if (earlier) return earlier;
      const locked = await this.lock(tx, [input.debitAccountId, input.creditAccountId], this.paths(input));
      const after = await this.move(tx, locked, [
        { id: input.debitAccountId, balance: -input.amount, pending: 0 },
        { id: input.creditAccountId, balance: input.amount, pending: 0 },
      ]);
      return this.write(tx, {
        ...input,
        debitBalanceAfter: after(input.debitAccountId),
        creditBalanceAfter: after(input.creditAccountId),
        ref: input.ref ?? null,
        state: 'posted',
      });
    });
  }

  /** Reserves points on the debit account until posted, voided, or expiresAt passes. */
  hold(input: HoldInput): Promise<Transfer> {
    validate(input);
    if (input.expiresAt && Number.isNaN(input.expiresAt.getTime()))
      throw invalidField('expiresAt', 'not a date');
    const { expiresAt, ...move } = input;
    return this.run(async (tx) => {
      const earlier = await this.replay(tx, input.id, this.sameMove(move, 'pending'));
      if (earlier) return earlier;
      const locked = await this.lock(tx, [input.debitAccountId, input.creditAccountId], this.paths(input));
      const after = await this.move(tx, locked, [
        { id: input.debitAccountId, balance: 0, pending: input.amount },
      ]);
      return this.write(tx, {
        ...move,
        ref: input.ref ?? null,
        state: 'pending',
        expiresAt: expiresAt ?? null,
        debitBalanceAfter: after(input.debitAccountId),
        creditBalanceAfter: after(input.creditAccountId),
      });
    });
  }

  async history(accountIds: string[], opts: { before?: Date; limit: number }): Promise<Transfer[]> {
    if (!accountIds.length) return [];
    const rows = await this.database.db
      .select()
      .from(ledgerTransfers)
      .where(
        and(
          or(
            inArray(ledgerTransfers.debitAccountId, accountIds),
            inArray(ledgerTransfers.creditAccountId, accountIds),
          ),
          opts.before ? lt(ledgerTransfers.createdAt, opts.before) : undefined,
        ),
      )
      .orderBy(desc(ledgerTransfers.createdAt), desc(ledgerTransfers.id))
      .limit(opts.limit);
    return rows.map(view);
  }

  async byIds(ids: string[]): Promise<Transfer[]> {
    if (!ids.length) return [];
    const rows = await this.database.db
      .select()
      .from(ledgerTransfers)
      .where(inArray(ledgerTransfers.id, ids));
    const byId = new Map(rows.map((r) => [r.id, view(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Holds `amount` across the debit accounts in their order; refuses all of it when together they lack it. */
  holdSplit(input: SplitHoldInput): Promise<Transfer[]> {
    const sources = [...new Set(input.debitAccountIds)];
    if (!sources.length) throw invalidField('debitAccountIds', 'at least one account');
    validate({ ...input, debitAccountId: sources[0] as string });
    if (sources.includes(input.creditAccountId))
      throw invalidField('creditAccountId', 'must differ from the debit accounts');
    const ids = sources.map((_, i) => `${input.id}:${i}`);
    return this.run(async (tx) => {
      const earlier = (await tx.select().from(ledgerTransfers).where(inArray(ledgerTransfers.id, ids))).map(
        view,
      );
      if (earlier.length) {
        const same =
          earlier.every(
            (t) => t.state === 'pending' && t.kind === input.kind && t.ref === (input.ref ?? null),
          ) && earlier.reduce((sum, t) => sum + t.amount, 0) === input.amount;
        if (!same)
          throw refuse('ledger.id_reused', `transfer id ${input.id} was used for a different hold`, 'id');
        return earlier.sort((a, b) => a.id.localeCompare(b.id));
      }
      const all = [...sources, input.creditAccountId];
      const paths = Object.fromEntries(sources.map((a, i) => [a, `debitAccountIds.${i}`]));
      await this.lock(tx, all, { ...paths, [input.creditAccountId]: 'creditAccountId' });
      const rows = await tx
        .select({ id: ledgerAccounts.id, balance: ledgerAccounts.balance, pending: ledgerAccounts.pending })
        .from(ledgerAccounts)
        .where(inArray(ledgerAccounts.id, all));
      const free = new Map(rows.map((r) => [r.id, Math.max(0, r.balance - r.pending)]));
      let left = input.amount;
      const draws: { account: string; amount: number; index: number }[] = [];
      sources.forEach((account, index) => {
        const take = Math.min(left, free.get(account) ?? 0);
        if (take > 0) draws.push({ account, amount: take, index });
        left -= take;
      });
      if (left > 0) throw refuse('ledger.insufficient', 'not enough points for this hold', 'amount');
      const locked = new Map(rows.map((r) => [r.id, r.balance]));
      const after = await this.move(
        tx,
        locked,
        draws.map((d) => ({ id: d.account, balance: 0, pending: d.amount })),
      );
      const written: Transfer[] = [];
      for (const d of draws) {
        written.push(
          await this.write(tx, {
            id: `${input.id}:${d.index}`,
            debitAccountId: d.account,
            creditAccountId: input.creditAccountId,
            amount: d.amount,
            kind: input.kind,
            ref: input.ref ?? null,
            state: 'pending',
            expiresAt: input.expiresAt ?? null,
            debitBalanceAfter: after(d.account),
            creditBalanceAfter: after(input.creditAccountId),
          }),
        );
      }
      return written;
    });
  }

  /** The hold, its accounts locked, refused when it was resolved already. */
  private async openHold(tx: Tx, holdId: string, checkExpiry: boolean) {
    const [found] = await tx
      .select({
        h: ledgerTransfers,
        expired: sql<boolean>`coalesce(${ledgerTransfers.expiresAt} <= now(), false)`,
      })
      .from(ledgerTransfers)
      .where(eq(ledgerTransfers.id, holdId));
    if (!found) throw notFound('hold');
    const { h, expired } = found;
    if (h.state !== 'pending') throw invalidField('holdId', 'not a hold');
    const locked = await this.lock(tx, [h.debitAccountId, h.creditAccountId], {});
    const [resolved] = await tx.select().from(ledgerTransfers).where(eq(ledgerTransfers.pendingId, holdId));
    if (resolved?.state === 'posted') throw refuse('ledger.hold_posted', 'this hold was posted already');
    if (resolved?.kind === EXPIRE_KIND) throw refuse('ledger.hold_expired', 'this hold expired');
    if (resolved) throw refuse('ledger.hold_voided', 'this hold was voided');
    if (checkExpiry && expired) throw refuse('ledger.hold_expired', 'this hold expired');
    return { h, locked };
  }

  /** Moves `amount` (at most the held amount, all of it by default) and releases the rest. */
  post(input: PostInput): Promise<Transfer> {
    if (!input.id || input.id.length > 255) throw invalidField('id', '1 to 255 characters');
    if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0))
      throw invalidField('amount', 'a whole number of points above zero');
    return this.run(async (tx) => {
      const earlier = await this.replay(
        tx,
        input.id,
        (t) =>
          t.state === 'posted' &&
          t.pendingId === input.holdId &&
          (input.amount === undefined || t.amount === input.amount),
      );
      if (earlier) return earlier;
      const { h, locked } = await this.openHold(tx, input.holdId, true);
      const amount = input.amount ?? h.amount;
      if (amount > h.amount) throw invalidField('amount', `at most the held ${h.amount}`);
      const after = await this.move(tx, locked, [
        { id: h.debitAccountId, balance: -amount, pending: -h.amount },
        { id: h.creditAccountId, balance: amount, pending: 0 },
      ]);
      return this.write(tx, {
        id: input.id,
        debitAccountId: h.debitAccountId,
        creditAccountId: h.creditAccountId,
        amount,
        kind: h.kind,
        ref: h.ref,
        state: 'posted',
        pendingId: h.id,
        debitBalanceAfter: after(h.debitAccountId),
        creditBalanceAfter: after(h.creditAccountId),
      });
    });
  }

  /** Releases a hold whole; `expire` is the sweep's void of a hold past its time. */
  void(input: VoidInput, kind: 'void' | typeof EXPIRE_KIND = 'void'): Promise<Transfer> {
    if (!input.id || input.id.length > 255) throw invalidField('id', '1 to 255 characters');
    return this.run(async (tx) => {
      const earlier = await this.replay(
        tx,
        input.id,
        (t) => t.state === 'voided' && t.pendingId === input.holdId,
      );
      if (earlier) return earlier;
      const { h, locked } = await this.openHold(tx, input.holdId, false);
      const after = await this.move(tx, locked, [{ id: h.debitAccountId, balance: 0, pending: -h.amount }]);
      return this.write(tx, {
        id: input.id,
        debitAccountId: h.debitAccountId,
        creditAccountId: h.creditAccountId,
        amount: h.amount,
        kind,
        ref: h.ref,
        state: 'voided',
        pendingId: h.id,
        debitBalanceAfter: after(h.debitAccountId),
        creditBalanceAfter: after(h.creditAccountId),
      });
    });
  }

  /** Voids holds past their expiry (the minute job); returns how many. */
  async sweep(limit = 500): Promise<number> {
    const due = await this.database.db
      .select({ id: ledgerTransfers.id })
      .from(ledgerTransfers)
      .where(
        and(
          eq(ledgerTransfers.state, 'pending'),
          sql`${ledgerTransfers.expiresAt} <= now()`,
          sql`not exists (select 1 from ledger_transfers r where r.pending_id = ${ledgerTransfers.id})`,
        ),
      )
      .orderBy(asc(ledgerTransfers.expiresAt))
      .limit(limit);
    let voided = 0;
    for (const { id } of due) {
      try {
        // The id is derived from the hold, so two sweepers at once write one void.
        await this.void({ id: `expire:${id}`, holdId: id }, EXPIRE_KIND);
        voided++;
      } catch (err) {
        // Posted or voided meanwhile: nothing left to release.
        if (!(err instanceof AppError && err.status === 409)) throw err;
      }
    }
    return voided;
  }
}
