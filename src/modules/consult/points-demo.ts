import type { Context } from '../../platform/context.ts';
import type { DemoPeople } from '../../platform/demo.ts';
import type { PointItems } from './points.ts';
import { PG_CLEARING, type Wallet } from './wallet.ts';

/** The shop's demo items, and paid points for the demo user (user@yeyak.local) as if bought. */
export async function seedPointsDemo(ctx: Context, items: PointItems, wallet: Wallet, people: DemoPeople) {
  const demo = [
    { name: '1만원', price: 10_000, points: 10_000, bonus: 0, position: 1 },
    { name: '3만원', price: 30_000, points: 30_000, bonus: 3_000, position: 2 },
    { name: '5만원', price: 50_000, points: 50_000, bonus: 7_000, position: 3 },
  ];
  for (const item of demo) await items.create({ ...item, active: true });
  await wallet.profile(people.buyer.id);
  const [{ paid }, clearing] = await Promise.all([
    wallet.accounts(people.buyer.id),
    ctx.ledger.system(PG_CLEARING),
  ]);
  await ctx.ledger.transfer({
    id: `consult:demo-points:${people.buyer.id}`,
    debitAccountId: clearing.id,
    creditAccountId: paid.id,
    amount: 50_000,
    kind: 'demo',
  });
}
