import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../platform/db.ts';
import { emit } from '../../platform/events/outbox.ts';
import type { DomainEvent } from '../../platform/events/types.ts';
import { reservations } from './schema.ts';

/** The topics the tickets module emits. Other modules subscribe to these strings, so they stay as they are. */
export const TOPICS = {
  eventCreated: 'event.created',
  eventUpdated: 'event.updated',
  holdCreated: 'hold.created',
  holdExpired: 'hold.expired',
  holdReleased: 'hold.released',
  reservationConfirmed: 'reservation.confirmed',
  reservationCancelled: 'reservation.cancelled',
  reservationCheckedIn: 'reservation.checked_in',
  waitlistJoined: 'waitlist.joined',
  waitlistOffered: 'waitlist.offered',
} as const;

export type TicketTopic = (typeof TOPICS)[keyof typeof TOPICS];

const holdEnded = z.object({
  holdId: z.string(),
  ticketTypeId: z.string(),
  quantity: z.number().int(),
  waitlistEntryId: z.string().nullable(),
});

const payloadSchemas = {
  [TOPICS.eventCreated]: z.object({ eventId: z.string(), code: z.string() }),
  [TOPICS.eventUpdated]: z.object({ eventId: z.string() }),
  [TOPICS.holdCreated]: z.object({ holdId: z.string(), expiresAt: z.string() }),
  [TOPICS.holdExpired]: holdEnded,
  [TOPICS.holdReleased]: holdEnded,
  [TOPICS.reservationConfirmed]: z.object({
    reservationId: z.number().int(),
    ticketTypeId: z.string(),
    userId: z.string(),
    quantity: z.number().int(),
    totalPrice: z.number().int(),
  }),
  [TOPICS.reservationCancelled]: z.object({
    reservationId: z.number().int(),
    ticketTypeId: z.string(),
    userId: z.string(),
    quantity: z.number().int(),
  }),
  [TOPICS.reservationCheckedIn]: z.object({ reservationId: z.number().int(), eventId: z.string() }),
  [TOPICS.waitlistJoined]: z.object({
    entryId: z.string(),
    ticketTypeId: z.string(),
    quantity: z.number().int(),
  }),
  [TOPICS.waitlistOffered]: z.object({
    entryId: z.string(),
    holdId: z.string(),
    ticketTypeId: z.string(),
    quantity: z.number().int(),
    expiresAt: z.string(),
  }),
} satisfies Record<TicketTopic, z.ZodType>;

/** The payload of each topic. */
export type TicketPayloads = { [T in TicketTopic]: z.output<(typeof payloadSchemas)[T]> };

/** Writes a tickets event in the caller's transaction, its payload typed by its topic. */
export function emitTicketEvent<T extends TicketTopic>(
  tx: Executor,
  topic: T,
  payload: TicketPayloads[T],
): Promise<string> {
  return emit(tx, topic, payload);
}

/**
 * A delivered event's payload, checked once against its topic: consumers read typed fields from here
 * instead of converting `event.payload` field by field. A payload that does not fit throws, and the
 * delivery is retried or dead-lettered like any failed one.
 */
export function payloadOf<T extends TicketTopic>(event: DomainEvent, topic: T): TicketPayloads[T] {
  if (event.topic !== topic) throw new Error(`expected a ${topic} event, got ${event.topic}`);
  return payloadSchemas[topic].parse(event.payload) as TicketPayloads[T];
}

// ---------------------------------------------------------------- reservation.confirmed

type ConfirmedPayload = TicketPayloads[typeof TOPICS.reservationConfirmed];

/**
 * The one definition of the `reservation.confirmed` payload: each field and the reservation column it
 * is read from. Both ways of writing a reservation build their payload from it: confirming a hold in
 * TypeScript (reservationConfirmed), the one-step reserve inside its SQL (reservationConfirmedJson).
 */
const confirmedFields = {
  reservationId: 'id',
  ticketTypeId: 'ticketTypeId',
  userId: 'userId',
  quantity: 'quantity',
  totalPrice: 'totalPrice',
} as const satisfies Record<keyof ConfirmedPayload, keyof typeof reservations.$inferSelect>;

type ConfirmedSource = Pick<
  typeof reservations.$inferSelect,
  (typeof confirmedFields)[keyof ConfirmedPayload]
>;

/** The payload for a reservation row just written. */
export function reservationConfirmed(r: ConfirmedSource): ConfirmedPayload {
  const entries = Object.entries(confirmedFields).map(([field, column]) => [field, r[column]]);
  return Object.fromEntries(entries) as ConfirmedPayload;
}

/** The same payload as a `jsonb_build_object(...)` over a reservation row's columns, for use inside SQL. */
export function reservationConfirmedJson(): SQL {
  const pairs = Object.entries(confirmedFields).map(
    ([field, column]) => `'${field}', ${reservations[column].name}`,
  );
  return sql.raw(`jsonb_build_object(${pairs.join(', ')})`);
}
