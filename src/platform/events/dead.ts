import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db.ts';
import { deliveriesFinished } from '../metrics.ts';
import { eventDeliveries, outbox } from '../schema.ts';
import { currentTopic } from './topics.ts';
import type { Broker, DomainEvent } from './types.ts';

/**
 * Dead letters: deliveries given up on after MAIL_MAX_ATTEMPTS attempts. Both brokers record them in
 * event_deliveries (status 'dead'); the event itself stays in the outbox, so it can be re-driven.
 */
export type DeadLetter = {
  consumer: string;
  eventId: string;
  topic: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  createdAt: string | null;
};

export async function recordDead(database: Database, consumer: string, event: DomainEvent, error: string) {
  const lastError = error.slice(0, 500);
  await database.db
    .insert(eventDeliveries)
    .values({ consumer, eventId: event.id, status: 'dead', lastError })
    .onConflictDoUpdate({
      target: [eventDeliveries.consumer, eventDeliveries.eventId],
      // A delivery done meanwhile (by a redelivered copy) stays done.
      set: { status: 'dead', lastError, claimedAt: sql`now()` },
      setWhere: sql`${eventDeliveries.status} <> 'done'`,
    });
  deliveriesFinished.inc({ consumer, outcome: 'dead' });
}

export async function listDead(database: Database, limit = 500): Promise<DeadLetter[]> {
  const rows = await database.db
    .select({
      consumer: eventDeliveries.consumer,
      eventId: eventDeliveries.eventId,
      topic: outbox.topic,
      attempts: eventDeliveries.attempts,
      lastError: eventDeliveries.lastError,
      failedAt: eventDeliveries.claimedAt,
      createdAt: outbox.createdAt,
    })
    .from(eventDeliveries)
    .leftJoin(outbox, eq(outbox.id, eventDeliveries.eventId))
    .where(eq(eventDeliveries.status, 'dead'))
    .orderBy(desc(eventDeliveries.claimedAt))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    failedAt: new Date(r.failedAt).toISOString(),
    createdAt: r.createdAt ? new Date(r.createdAt).toISOString() : null,
  }));
}

/**
 * Hands dead deliveries to their consumer again as first attempts: one event (every consumer it died
 * in), or all of them. Returns how many went out; an event no longer in the outbox is left listed.
 */
export async function redrive(
  database: Database,
  broker: Broker,
  which: { eventId: string } | { all: true },
): Promise<{ redriven: number; missing: string[] }> {
  const { db } = database;
  const dead = await db
    .select({ consumer: eventDeliveries.consumer, eventId: eventDeliveries.eventId })
    .from(eventDeliveries)
    .where(
      'eventId' in which
        ? and(eq(eventDeliveries.status, 'dead'), eq(eventDeliveries.eventId, which.eventId))
        : eq(eventDeliveries.status, 'dead'),
    );
  let redriven = 0;
  const missing: string[] = [];
  for (const d of dead) {
    const [e] = await db.select().from(outbox).where(eq(outbox.id, d.eventId));
    if (!e) {
      missing.push(d.eventId);
      continue;
    }
    // 'failed' lets the next attempt claim it and takes it off the dead list.
    await db
      .update(eventDeliveries)
      .set({ status: 'failed', lastError: 'redriven', claimedAt: sql`now()` })
      .where(
        and(
          eq(eventDeliveries.consumer, d.consumer),
          eq(eventDeliveries.eventId, d.eventId),
          eq(eventDeliveries.status, 'dead'),
        ),
      );
    await broker.redeliver(d.consumer, {
      id: e.id,
      topic: currentTopic(e.topic),
      payload: e.payload as Record<string, unknown>,
      createdAt: new Date(e.createdAt).toISOString(),
    });
    redriven++;
  }
  return { redriven, missing };
}
