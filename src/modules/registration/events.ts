import type { DomainEvent } from '../../platform/events/types.ts';

/**
 * The domain events registration takes part in. It emits none of its own today; it consumes the
 * tickets module's reservation events to follow yeyak's own ticket sales (sources/tickets.ts).
 * Its jobs (registration.sync, .tick, .action) are queue names, not topics: they sit with their use cases.
 */

export const RESERVATION_CONFIRMED = 'reservation.confirmed';
export const RESERVATION_CANCELLED = 'reservation.cancelled';

/** `reservation.confirmed` as the tickets module emits it. */
export type ReservationConfirmedPayload = {
  reservationId: number;
  ticketTypeId: string;
  userId: string;
  quantity: number;
  totalPrice: number;
};

/** `reservation.cancelled` as the tickets module emits it. */
export type ReservationCancelledPayload = Omit<ReservationConfirmedPayload, 'totalPrice'>;

/** What registration reads of either: which reservation, and whether it was confirmed or cancelled. */
export type ReservationChange = {
  topic: typeof RESERVATION_CONFIRMED | typeof RESERVATION_CANCELLED;
  reservationId: ReservationConfirmedPayload['reservationId'];
};

/** Narrows a consumed event once; the reservation itself is read through the tickets module's API. */
export function reservationChange(event: Pick<DomainEvent, 'topic' | 'payload'>): ReservationChange {
  const { topic, payload } = event;
  if (topic !== RESERVATION_CONFIRMED && topic !== RESERVATION_CANCELLED)
    throw new Error(`registration does not consume ${topic}`);
  return { topic, reservationId: Number(payload.reservationId) };
}
