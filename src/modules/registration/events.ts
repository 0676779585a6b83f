import type { DomainEvent } from '../../platform/events/types.ts';
import { TICKET_TOPICS, ticketPayloadOf } from '../tickets/index.ts';

/**
 * The domain events registration takes part in. It emits none of its own today; it consumes the
 * tickets module's reservation events to follow yeyak's own ticket sales (sources/tickets.ts).
 * Its jobs (registration.sync, .tick, .action) are queue names, not topics: they sit with their use cases.
 */

export const RESERVATION_CONFIRMED = TICKET_TOPICS.reservationConfirmed;
export const RESERVATION_CANCELLED = TICKET_TOPICS.reservationCancelled;

/** What registration reads of either: which reservation, and whether it was confirmed or cancelled. */
export type ReservationChange = {
  topic: typeof RESERVATION_CONFIRMED | typeof RESERVATION_CANCELLED;
  reservationId: number;
};

/** Narrows a consumed event once (the tickets module checks its payload); the reservation itself is read through its API. */
export function reservationChange(event: Pick<DomainEvent, 'topic' | 'payload'>): ReservationChange {
  if (event.topic === RESERVATION_CONFIRMED)
    return { topic: event.topic, reservationId: ticketPayloadOf(event, RESERVATION_CONFIRMED).reservationId };
  if (event.topic === RESERVATION_CANCELLED)
    return { topic: event.topic, reservationId: ticketPayloadOf(event, RESERVATION_CANCELLED).reservationId };
  throw new Error(`registration does not consume ${event.topic}`);
}
