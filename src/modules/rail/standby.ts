/**
 * Standby requests (예약대기) after they are placed: the minute job asks the operator about each open
 * one, and a granted seat or an ended request is stored and told to the user.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { JobSpec } from '../../platform/module.ts';
import { accountProvider } from './accounts.ts';
import type { RailDeps } from './egress.ts';
import { emitRail, RAIL_STANDBY_ENDED, RAIL_STANDBY_GRANTED } from './events.ts';
import { schedule } from './poll.ts';
import { type RailProvider, type Reservation, type ReservedSeat, seatsTogether } from './providers/index.ts';
import { noteRefusal } from './refusals.ts';
import { railReservations, railWatches } from './schema.ts';
import type { Rail } from './service.ts';
import { type ReservationRow, watchEnd, watchRow } from './views.ts';

/** The reservation is still a standby request waiting at the operator (guards each change once). */
const openStandby = (id: string) =>
  and(eq(railReservations.id, id), eq(railReservations.status, 'held'), eq(railReservations.standby, true));

/**
 * Follows standby requests (예약대기). The operator turns one into a seat, with a payment
 * deadline, when a seat frees up; or drops it (standby closes two days before departure). One
 * reservation-list request per account with open requests. A granted seat is told to the user at
 * once (the deadline is short); a dropped request sends its watch back to trying for a normal seat
 * while trains remain.
 */
export async function followStandby(
  d: RailDeps,
): Promise<{ accounts: number; granted: string[]; ended: string[] }> {
  const out = { accounts: 0, granted: [] as string[], ended: [] as string[] };
  const open = await d.ctx.database.db
    .select()
    .from(railReservations)
    .where(
      and(
        eq(railReservations.status, 'held'),
        eq(railReservations.standby, true),
        isNotNull(railReservations.accountId),
      ),
    );
  const byAccount = new Map<string, ReservationRow[]>();
  for (const r of open)
    byAccount.set(r.accountId as string, [...(byAccount.get(r.accountId as string) ?? []), r]);
  for (const [accountId, rows] of byAccount) {
    if (d.egress.stopping) break;
    let p: RailProvider;
    let theirs: Reservation[];
    try {
      p = await accountProvider(d, accountId);
      theirs = await p.listReservations();
    } catch (err) {
      await noteRefusal(d, err, accountId);
      d.ctx.log.warn({ err, accountId }, 'rail: could not check standby requests');
      continue;
    }
    out.accounts++;
    for (const r of rows) {
      const t = theirs.find((x) => x.id === r.pnr);
      if (t?.standby) continue;
      if (t) {
        let seats: ReservedSeat[] = [];
        try {
          seats = t.paid ? [] : await p.seats(t.id);
        } catch (err) {
          // The seat numbers are a nicety; the deadline is what the user needs now.
          d.ctx.log.warn({ err, pnr: t.id }, 'rail: could not read the seats of a granted standby');
        }
        if (await grantStandby(d, r, t, seats)) out.granted.push(r.id);
      } else if (await endStandby(d, r)) out.ended.push(r.id);
    }
  }
  return out;
}

async function grantStandby(
  d: RailDeps,
  r: ReservationRow,
  t: Reservation,
  seats: ReservedSeat[],
): Promise<boolean> {
  return d.ctx.tx(async (tx) => {
    const rows = await tx
      .update(railReservations)
      .set({
        standby: false,
        status: t.paid ? 'paid' : 'held',
        paymentDeadline: t.paymentDeadline ? new Date(t.paymentDeadline) : null,
        seats: seats.map((s) => ({ car: s.car, seat: s.seat, seatClass: s.seatClass, price: s.price })),
        seatClass: seats[0]?.seatClass ?? t.seatClass ?? r.seatClass,
        together: seatsTogether(seats),
        seatCount: t.seatCount || r.seatCount,
        totalPrice: t.totalPrice || r.totalPrice,
      })
      .where(openStandby(r.id))
      .returning({ id: railReservations.id });
    if (!rows.length) return false;
    await emitRail(tx, RAIL_STANDBY_GRANTED, { watchId: r.watchId, reservationId: r.id, userId: r.userId });
    return true;
  });
}

async function endStandby(d: RailDeps, r: ReservationRow): Promise<boolean> {
  const w = r.watchId ? await watchRow(d.ctx.database.db, r.watchId) : undefined;
  const resume = !!w && w.status === 'reserved' && watchEnd(w) > Date.now();
  const done = await d.ctx.tx(async (tx) => {
    const rows = await tx
      .update(railReservations)
      .set({ status: 'expired', cancelledAt: new Date(), ...(resume ? { watchId: null } : {}) })
      .where(openStandby(r.id))
      .returning({ id: railReservations.id });
    if (!rows.length) return false;
    if (resume && w)
      await tx
        .update(railWatches)
        .set({
          status: 'trying',
          standby: false,
          lastResult: `standby ${r.pnr} ended without a seat; trying for a seat again`,
          updatedAt: new Date(),
        })
        .where(and(eq(railWatches.id, w.id), eq(railWatches.status, 'reserved')));
    await emitRail(tx, RAIL_STANDBY_ENDED, {
      watchId: r.watchId,
      reservationId: r.id,
      userId: r.userId,
      resumed: resume,
    });
    return true;
  });
  if (done && resume && w) await schedule(d, w.searchKey, 0, true);
  return done;
}

/** Every minute: what became of the open standby requests. */
export function standbyJob(rail: Pick<Rail, 'followStandby'>): JobSpec {
  return {
    name: 'rail.standby',
    handler: async () => {
      await rail.followStandby();
    },
    options: { cron: '* * * * *', retryLimit: 0 },
  };
}
