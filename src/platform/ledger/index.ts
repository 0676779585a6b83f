import { and, eq, sql } from 'drizzle-orm';
import { registerConstraints } from '../constraints.ts';
import { type Database, selectRows } from '../db.ts';
import { invalidField, notFound } from '../errors.ts';
import type { JobSpec } from '../module.ts';
import { ledgerAccounts } from './schema.ts';
import {
  type HoldInput,
  ledgerConstraints,
  type PostInput,
  type SplitHoldInput,
  type Transfer,
  type TransferInput,
  Transfers,
  type VoidInput,
} from './transfers.ts';

export type { LedgerRefusal, Transfer } from './transfers.ts';

/** `wallet` holds paid points, `bonus` promotional ones (kept apart: refunds never pay out bonus). */
export type AccountKind = 'wallet' | 'bonus' | 'payable' | 'system';

export type Account = {
  id: string;
  kind: AccountKind;
  ownerId: string | null;
  name: string | null;
  balance: number;
  pending: number;
  /** What the account can still spend: balance less its holds. */
  available: number;
  mayGoNegative: boolean;
};

/** What check() found: ok when every balance sums to zero and every cache matches its transfers. */
export type LedgerCheck = {
  ok: boolean;
  accounts: number;
  transfers: number;
  /** Σ balance over all accounts; 0 when no point was made or lost. */
  sum: number;
  mismatches: {
    accountId: string;
    balance: number;
    computedBalance: number;
    pending: number;
    computedPending: number;
  }[];
};

const view = (r: typeof ledgerAccounts.$inferSelect): Account => ({
  id: r.id,
  kind: r.kind,
  ownerId: r.ownerId,
  name: r.name,
  balance: r.balance,
  pending: r.pending,
  available: r.balance - r.pending,
  mayGoNegative: r.mayGoNegative,
});

export const LEDGER_SWEEP_JOB = 'ledger.expire-holds';

/** The points ledger (`ctx.ledger`): accounts, transfers, holds, the expiry sweep and the audit. */
export class Ledger {
  private readonly transfers: Transfers;

  constructor(private readonly database: Database) {
    registerConstraints(ledgerConstraints);
    this.transfers = new Transfers(database);
  }

  /** Opens an account; wallets and payables are one per owner, system accounts one per name. */
  async open(input: { kind: AccountKind; ownerId?: string; name?: string }): Promise<Account> {
    if (input.kind !== 'system' && !input.ownerId)
      throw invalidField('ownerId', `a ${input.kind} has an owner`);
    if (input.kind === 'system' && !input.name) throw invalidField('name', 'a system account has a name');
    const [row] = await this.database.db
      .insert(ledgerAccounts)
      .values({
        kind: input.kind,
        ownerId: input.ownerId ?? null,
        name: input.name ?? null,
        mayGoNegative: input.kind !== 'wallet' && input.kind !== 'bonus',
      })
      .onConflictDoNothing()
      .returning();
    if (row) return view(row);
    // Opened already (or by a concurrent call): the existing one.
    const [existing] = await this.database.db
      .select()
      .from(ledgerAccounts)
      .where(
        input.kind === 'system'
          ? eq(ledgerAccounts.name, input.name as string)
          : and(eq(ledgerAccounts.ownerId, input.ownerId as string), eq(ledgerAccounts.kind, input.kind)),
      );
    if (!existing) throw invalidField('name', 'taken by an account of another kind');
    return view(existing);
  }

  /** The user's wallet, opened on first use. */
  wallet(ownerId: string) {
    return this.open({ kind: 'wallet', ownerId });
  }

  /** A system account by name (`pg_clearing`, `promo`), opened on first use. */
  system(name: string) {
    return this.open({ kind: 'system', name });
  }

  async account(id: string): Promise<Account> {
    const [row] = await this.database.db.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, id));
    if (!row) throw notFound('account');
    return view(row);
  }

  transfer(input: TransferInput): Promise<Transfer> {
    return this.transfers.transfer(input);
  }

  hold(input: HoldInput): Promise<Transfer> {
    return this.transfers.hold(input);
  }

  /** A hold drawn from several accounts in order (bonus before paid points): one pending row per account. */
  holdSplit(input: SplitHoldInput): Promise<Transfer[]> {
    return this.transfers.holdSplit(input);
  }

  post(input: PostInput): Promise<Transfer> {
    return this.transfers.post(input);
  }

  /**
   * Posts `amount` (all by default) across the holds of a split hold in their order and voids what is
   * left, each step under its own id (`<id>:post:<n>` / `<id>:void:<n>`), so a retry after a crash
   * finishes the job without moving a point twice. Answers the total posted.
   */
  async postSplit(input: { id: string; holds: Transfer[]; amount?: number }): Promise<number> {
    const total = input.holds.reduce((sum, h) => sum + h.amount, 0);
    let left = input.amount ?? total;
    if (!Number.isSafeInteger(left) || left < 0 || left > total)
      throw invalidField('amount', `0 to the held ${total}`);
    let posted = 0;
    for (const [n, h] of input.holds.entries()) {
      const take = Math.min(left, h.amount);
      if (take > 0) {
        await this.post({ id: `${input.id}:post:${n}`, holdId: h.id, amount: take });
        posted += take;
        left -= take;
      } else {
        await this.void({ id: `${input.id}:void:${n}`, holdId: h.id });
      }
    }
    return posted;
  }

  /** Voids every hold of a split hold (each under `<id>:void:<n>`). */
  async voidSplit(input: { id: string; holds: Transfer[] }): Promise<void> {
    for (const [n, h] of input.holds.entries())
      await this.void({ id: `${input.id}:void:${n}`, holdId: h.id });
  }

  /** The transfers into or out of these accounts, newest first; page with `before` (a time). */
  async history(accountIds: string[], opts: { before?: Date; limit: number }): Promise<Transfer[]> {
    return this.transfers.history(accountIds, opts);
  }

  /** The transfers with these ids (a split hold's rows, say), in the order asked. */
  async transfersById(ids: string[]): Promise<Transfer[]> {
    return this.transfers.byIds(ids);
  }

  void(input: VoidInput): Promise<Transfer> {
    return this.transfers.void(input);
  }

  /** Voids every hold past its expiry; the minute job runs it. */
  sweep(): Promise<number> {
    return this.transfers.sweep();
  }

  /**
   * Proves the books: all balances sum to zero, and each cached balance and pending equals what its
   * transfers say. Read in one snapshot, so transfers running meanwhile do not show as mismatches.
   */
  async check(): Promise<LedgerCheck> {
    return this.database.db.transaction(
      async (tx) => {
        const [totals] = await selectRows<{ accounts: unknown; transfers: unknown; sum: unknown }>(
          tx,
          sql`select (select count(*) from ledger_accounts) as accounts,
                     (select count(*) from ledger_transfers) as transfers,
                     (select coalesce(sum(balance), 0) from ledger_accounts) as sum`,
        );
        const rows = await selectRows<Record<string, unknown>>(
          tx,
          sql`with moves as (
                select credit_account_id as account, amount as delta from ledger_transfers where state = 'posted'
                union all
                select debit_account_id, -amount from ledger_transfers where state = 'posted'
              ), computed as (
                select account, sum(delta) as balance from moves group by account
              ), held as (
                select h.debit_account_id as account, sum(h.amount) as pending from ledger_transfers h
                where h.state = 'pending'
                  and not exists (select 1 from ledger_transfers r where r.pending_id = h.id)
                group by h.debit_account_id
              )
              select a.id, a.balance, a.pending,
                     coalesce(c.balance, 0) as computed_balance, coalesce(h.pending, 0) as computed_pending
              from ledger_accounts a
              left join computed c on c.account = a.id
              left join held h on h.account = a.id
              where a.balance <> coalesce(c.balance, 0) or a.pending <> coalesce(h.pending, 0)
              order by a.id`,
        );
        const mismatches = rows.map((r) => ({
          accountId: String(r.id),
          balance: Number(r.balance),
          computedBalance: Number(r.computed_balance),
          pending: Number(r.pending),
          computedPending: Number(r.computed_pending),
        }));
        const sum = Number(totals.sum);
        return {
          ok: sum === 0 && mismatches.length === 0,
          accounts: Number(totals.accounts),
          transfers: Number(totals.transfers),
          sum,
          mismatches,
        };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }

  jobs(): JobSpec<never>[] {
    return [
      {
        name: LEDGER_SWEEP_JOB,
        handler: async () => {
          await this.sweep();
        },
        options: { cron: '* * * * *', retryLimit: 0 },
      },
    ];
  }
}
