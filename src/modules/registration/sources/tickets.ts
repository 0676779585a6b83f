import { and, eq, or, sql } from 'drizzle-orm';
import { once } from '../../../platform/events/outbox.ts';
import type { Consumer } from '../../../platform/events/types.ts';
import { users } from '../../../platform/schema.ts';
import { type ActionKey, addActions, enqueueActions } from '../actions/runner.ts';
import type { AttendeeLike } from '../deidentify.ts';
import type { RegistrationDeps } from '../deps.ts';
import {
  RESERVATION_CANCELLED,
  RESERVATION_CONFIRMED,
  type ReservationChange,
  reservationChange,
} from '../events.ts';
import { registrationAttendees, registrationEvents } from '../schema.ts';
import { takeAdmissions } from '../sync.ts';

/**
 * yeyak's own tickets as a source: each confirmed or cancelled reservation of a followed event is
 * recorded as an attendee (a reservation is one attendee with its quantity), with its actions.
 */

const CONSUMER = 'registration-tickets';

/** The consumer of the tickets module's reservation events; each event is handled once. */
export function reservationConsumer(deps: RegistrationDeps): Consumer {
  return {
    name: CONSUMER,
    topics: [RESERVATION_CONFIRMED, RESERVATION_CANCELLED],
    handle: async (event) => {
      const change = reservationChange(event);
      return once(deps.ctx.database, CONSUMER, event.id, () => followReservation(deps, change));
    },
  };
}

/** A `reservation.confirmed` / `reservation.cancelled` event, read through the tickets module's public API. */
export async function followReservation(deps: RegistrationDeps, change: ReservationChange) {
  const r = await deps.tickets.reservationById(change.reservationId);
  if (!r) return;
  const owner = (await deps.tickets.getEvent(r.eventId)).organizerId;
  // Only registrations of the event's own organiser (or an admin) see its buyers, rows saved
  // before that was checked at creation included.
  const followers = await deps.ctx.database.db
    .select({ id: registrationEvents.id })
    .from(registrationEvents)
    .innerJoin(users, eq(users.id, registrationEvents.organizerId))
    .where(
      and(
        eq(registrationEvents.source, 'tickets'),
        sql`${registrationEvents.settings}->>'ticketsEventId' = ${r.eventId}`,
        or(eq(registrationEvents.organizerId, owner), eq(users.role, 'admin')),
      ),
    );
  const active = change.topic === RESERVATION_CONFIRMED && !r.deleted;
  for (const { id } of followers) {
    const externalId = `reservation:${r.id}`;
    const record: AttendeeLike & Record<string, unknown> = {
      id: externalId,
      ticket_name: r.ticketTypeName,
      state: active ? 'activated' : 'cancelled',
      is_paid: true,
      price: r.totalPrice,
      currency: 'KRW',
      payment_method: r.source,
      updated_at: Date.parse(r.createdAt) / 1000,
      data: [['Contact Email', r.email]],
      quantity: r.quantity,
    };
    let created: ActionKey[] = [];
    await deps.ctx.tx(async (tx) => {
      // The event row first: its lock orders concurrent reservations of one event, so `before`
      // below is what the previous one committed and the admission numbers follow that order.
      const [ev] = await tx
        .update(registrationEvents)
        .set({ lastSyncAt: new Date(), lastOkAt: new Date(), lastError: null })
        .where(eq(registrationEvents.id, id))
        .returning();
      if (!ev) return;
      const [before] = await tx
        .select({ active: registrationAttendees.active, admission: registrationAttendees.admission })
        .from(registrationAttendees)
        .where(
          and(eq(registrationAttendees.eventId, ev.id), eq(registrationAttendees.externalId, externalId)),
        );
      const admitted = active && !before?.active;
      const [admission] = admitted ? await takeAdmissions(tx, ev.id, [r.quantity]) : [];
      await tx
        .insert(registrationAttendees)
        .values({
          eventId: ev.id,
          externalId,
          ticketName: r.ticketTypeName,
          email: r.email,
          quantity: r.quantity,
          active,
          paidAt: new Date(r.createdAt),
          record,
          refundedAt: active ? null : new Date(),
          admission: admission ?? null,
        })
        .onConflictDoUpdate({
          target: [registrationAttendees.eventId, registrationAttendees.externalId],
          set: {
            active,
            record,
            updatedAt: sql`now()`,
            refundedAt: active ? null : sql`coalesce(${registrationAttendees.refundedAt}, now())`,
            ...(admission !== undefined ? { admission } : {}),
          },
        });
      if (admitted) created = await addActions(tx, ev, [{ externalId, admission }], []);
      if (!active && before?.active)
        created = await addActions(tx, ev, [], [{ externalId, admission: before.admission ?? 0 }]);
    });
    await enqueueActions(deps, created);
  }
}
