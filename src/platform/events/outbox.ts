import { and, eq, sql } from 'drizzle-orm';
import { leaseLapsed } from '../claim.ts';
import type { Database, Executor } from '../db.ts';
import { errorText } from '../db.ts';
import { deliveriesFinished } from '../metrics.ts';
import { eventDeliveries, outbox } from '../schema.ts';
import { RetryLater } from './types.ts';

/** Writes an event in the caller's transaction, so it exists exactly when the change does. */
export async function emit(tx: Executor, topic: string, payload: Record<string, unknown>): Promise<string> {
  const [row] = await tx.insert(outbox).values({ topic, payload }).returning({ id: outbox.id });
  return row.id;
}

/**
 * A claim is a lease: it lapses this long after the last renewal, so the work of a crashed process is
 * taken over within seconds. A running attempt renews it every CLAIM_RENEW_MS, so a slow send is not
 * mistaken for a dead one.
 */
const CLAIM_LEASE_MS = 15_000;
const CLAIM_RENEW_MS = 5_000;

/** Deliveries this process has claimed and not finished: what shutdown hands back. */
const claimedHere = new Map<
  string,
  { database: Database; consumer: string; eventId: string; renew: NodeJS.Timeout }
>();

/**
 * At shutdown, after the graceful wait: every delivery this process still works on is released at
 * once (status failed, "handed back at shutdown"), so another worker takes it now instead of after
 * the 15-second lease. The work still running here may finish too; receivers are idempotent, as for
 * any retry. Returns how many were handed back.
 */
export async function handBackClaims(database: Database): Promise<number> {
  let n = 0;
  for (const [key, c] of claimedHere) {
    if (c.database !== database) continue;
    clearInterval(c.renew);
    claimedHere.delete(key);
    const released = await database.db
      .update(eventDeliveries)
      .set({ status: 'failed', lastError: 'handed back at shutdown', claimedAt: sql`now()` })
      .where(
        and(
          eq(eventDeliveries.consumer, c.consumer),
          eq(eventDeliveries.eventId, c.eventId),
          eq(eventDeliveries.status, 'claimed'),
        ),
      )
      .returning({ eventId: eventDeliveries.eventId })
      .catch(() => []);
    n += released.length;
  }
  return n;
}

/**
 * Runs `work` at most once per (consumer, event) to completion. A second delivery of a done event is
 * skipped; one that races an attempt in flight is asked to come back later. A failed attempt releases
 * its claim so a retry can run. A process killed after the side effect and before "done" makes the
 * next attempt repeat it, so side effects must be idempotent at the receiver (mail: a stable Message-ID).
 */
export async function once(
  database: Database,
  consumer: string,
  eventId: string,
  work: () => Promise<void>,
): Promise<'done' | 'skipped'> {
  const { db } = database;
  const claimed = await db
    .insert(eventDeliveries)
    .values({ consumer, eventId, status: 'claimed' })
    .onConflictDoUpdate({
      target: [eventDeliveries.consumer, eventDeliveries.eventId],
      set: { status: 'claimed', claimedAt: sql`now()`, attempts: sql`${eventDeliveries.attempts} + 1` },
      setWhere: sql`${eventDeliveries.status} in ('failed', 'dead') or (${eventDeliveries.status} = 'claimed' and ${leaseLapsed(eventDeliveries.claimedAt, CLAIM_LEASE_MS / 1000)})`,
    })
    .returning({ status: eventDeliveries.status });
  if (claimed.length === 0) {
    const [existing] = await db
      .select({ status: eventDeliveries.status })
      .from(eventDeliveries)
      .where(and(eq(eventDeliveries.consumer, consumer), eq(eventDeliveries.eventId, eventId)));
    if (existing?.status === 'done') return 'skipped';
    throw new RetryLater(`event ${eventId} is being handled by another ${consumer} worker`);
  }
  const mine = and(
    eq(eventDeliveries.consumer, consumer),
    eq(eventDeliveries.eventId, eventId),
    eq(eventDeliveries.status, 'claimed'),
  );
  const renew = setInterval(() => {
    db.update(eventDeliveries)
      .set({ claimedAt: sql`now()` })
      .where(mine)
      .catch(() => {});
  }, CLAIM_RENEW_MS);
  renew.unref();
  const key = `${consumer}|${eventId}`;
  claimedHere.set(key, { database, consumer, eventId, renew });
  try {
    await work();
  } catch (err) {
    clearInterval(renew);
    // Handed back at shutdown meanwhile: the row is no longer ours to mark.
    if (!claimedHere.delete(key)) throw err;
    await db
      .update(eventDeliveries)
      .set({
        status: 'failed',
        lastError: errorText(err).slice(0, 500),
        claimedAt: sql`now()`,
      })
      .where(and(eq(eventDeliveries.consumer, consumer), eq(eventDeliveries.eventId, eventId)));
    deliveriesFinished.inc({ consumer, outcome: 'failed' });
    throw err;
  }
  clearInterval(renew);
  if (!claimedHere.delete(key)) return 'done';
  await db
    .update(eventDeliveries)
    .set({ status: 'done', doneAt: sql`now()`, lastError: null })
    .where(and(eq(eventDeliveries.consumer, consumer), eq(eventDeliveries.eventId, eventId)));
  deliveriesFinished.inc({ consumer, outcome: 'done' });
  return 'done';
}
