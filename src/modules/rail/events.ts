/**
 * The events rail emits (through the outbox), each topic with the shape of its payload. Emitters
 * get the payload checked by the compiler; consumers narrow an incoming event once with
 * `readRailEvent` and read typed fields from then on.
 */
import { z } from 'zod';
import type { Executor } from '../../platform/db.ts';
import { emit } from '../../platform/events/outbox.ts';
import type { DomainEvent } from '../../platform/events/types.ts';

export const RAIL_WATCH_CREATED = 'rail.watch_created';
/** A watch got its seat (or placed a standby request). */
export const RAIL_RESERVED = 'rail.reserved';
/** The operator turned a standby request into a seat. */
export const RAIL_STANDBY_GRANTED = 'rail.standby_granted';
/** A standby request ended without a seat; `resumed` when its watch tries for a seat again. */
export const RAIL_STANDBY_ENDED = 'rail.standby_ended';
/** A hold's payment deadline is near (config.rail.payReminderMinutes) and it is still unpaid. */
export const RAIL_PAYMENT_DUE = 'rail.payment_due';
/** A hold passed its payment deadline unpaid: the operator has cancelled it. */
export const RAIL_HOLD_EXPIRED = 'rail.hold_expired';
/** A watch had to stop before it got a seat. */
export const RAIL_WATCH_FAILED = 'rail.watch_failed';
/** The traveller cancelled a held reservation at the operator through yeyak. */
export const RAIL_RESERVATION_CANCELLED = 'rail.reservation_cancelled';

/** A standby's watch is null once the watch was deleted (the reservation outlives it). */
const standbyPayload = z.object({
  watchId: z.string().nullable(),
  reservationId: z.string(),
  userId: z.string(),
});

const payloads = {
  [RAIL_WATCH_CREATED]: z.object({ watchId: z.string(), userId: z.string() }),
  [RAIL_RESERVED]: z.object({ watchId: z.string(), reservationId: z.string(), userId: z.string() }),
  [RAIL_STANDBY_GRANTED]: standbyPayload,
  [RAIL_STANDBY_ENDED]: standbyPayload.extend({ resumed: z.boolean() }),
  [RAIL_PAYMENT_DUE]: z.object({ reservationId: z.string(), userId: z.string() }),
  [RAIL_HOLD_EXPIRED]: z.object({ reservationId: z.string(), userId: z.string() }),
  [RAIL_WATCH_FAILED]: z.object({
    watchId: z.string(),
    userId: z.string(),
    /** The reason in English; `key`/`params` name it in the message catalog when it has a code. */
    reason: z.string(),
    key: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  }),
  [RAIL_RESERVATION_CANCELLED]: z.object({ reservationId: z.string(), userId: z.string() }),
};

export type RailTopic = keyof typeof payloads;
export type RailEventPayload<T extends RailTopic> = z.infer<(typeof payloads)[T]>;
/** An event of one of rail's topics, its payload narrowed by the topic. */
export type RailEvent = {
  [T in RailTopic]: { id: string; topic: T; payload: RailEventPayload<T> };
}[RailTopic];

/** Writes a rail event into the outbox of the transaction `tx`. */
export function emitRail<T extends RailTopic>(tx: Executor, topic: T, payload: RailEventPayload<T>) {
  return emit(tx, topic, payload);
}

/** The event with its payload checked against its topic; throws on a payload of another shape. */
export function readRailEvent(event: DomainEvent): RailEvent {
  const schema = payloads[event.topic as RailTopic];
  if (!schema) throw new Error(`not a rail topic: ${event.topic}`);
  return { id: event.id, topic: event.topic, payload: schema.parse(event.payload) } as RailEvent;
}
