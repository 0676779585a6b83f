import { sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { toCsv } from '../../platform/csv.ts';
import { selectRows } from '../../platform/db.ts';

// The settlement report: for each linked counselor, the points their payable account earned in a
// period (posted transfers in, less posted transfers out) and what it holds in all. Payouts happen
// outside yeyak; admins read this report to make them.

export type SettlementRow = {
  counselorId: string;
  code: string;
  name: string;
  email: string | null;
  /** Points earned in the period (net of anything taken back from the payable in it). */
  earned: number;
  /** Transfers into the payable in the period. */
  transfers: number;
  /** Everything the payable holds now (accumulated points). */
  accumulated: number;
};

export type SettlementReport = { from: string; to: string; rows: SettlementRow[]; total: number };

export class Settlement {
  constructor(private readonly ctx: Context) {}

  /** Every linked counselor for [from, to), most earned first. */
  async report(from: Date, to: Date): Promise<SettlementReport> {
    const rows = await selectRows<Record<string, unknown>>(
      this.ctx.database.db,
      sql`select c.id, c.code, c.name, u.email,
                 coalesce(a.balance, 0) as accumulated,
                 coalesce((select sum(case when t.credit_account_id = a.id then t.amount else -t.amount end)
                           from ledger_transfers t
                           where t.state = 'posted' and (t.credit_account_id = a.id or t.debit_account_id = a.id)
                             and t.created_at >= ${from.toISOString()}::timestamptz
                             and t.created_at < ${to.toISOString()}::timestamptz), 0) as earned,
                 (select count(*) from ledger_transfers t
                   where t.state = 'posted' and t.credit_account_id = a.id
                     and t.created_at >= ${from.toISOString()}::timestamptz
                     and t.created_at < ${to.toISOString()}::timestamptz) as transfers
          from consult_counselors c
          join users u on u.id = c.user_id
          left join ledger_accounts a on a.kind = 'payable' and a.owner_id = c.user_id
          order by earned desc, c.code`,
    );
    const out = rows.map(
      (r): SettlementRow => ({
        counselorId: String(r.id),
        code: String(r.code),
        name: String(r.name),
        email: r.email == null ? null : String(r.email),
        earned: Number(r.earned),
        transfers: Number(r.transfers),
        accumulated: Number(r.accumulated),
      }),
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      rows: out,
      total: out.reduce((s, r) => s + r.earned, 0),
    };
  }

  /** The report as CSV (a byte-order mark, so spreadsheets read the Korean names). */
  csv(report: SettlementReport): string {
    return toCsv(
      report.rows.map((r) => ({
        period_from: report.from,
        period_to: report.to,
        code: r.code,
        name: r.name,
        email: r.email,
        earned_points: r.earned,
        transfers: r.transfers,
        accumulated_points: r.accumulated,
      })),
      {
        bom: true,
        columns: [
          'period_from',
          'period_to',
          'code',
          'name',
          'email',
          'earned_points',
          'transfers',
          'accumulated_points',
        ],
      },
    );
  }
}
