import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { claim } from '../../platform/claim.ts';
import type { Tx } from '../../platform/db.ts';
import type { JobSpec } from '../../platform/module.ts';
import { UpstreamError } from '../../platform/net/http.ts';
import { type ActionKey, addActions, enqueueActions, requeueStuckActions } from './actions/runner.ts';
import { kktixClient, type RegistrationDeps, secretsOf } from './deps.ts';
import { registrationAttendees, registrationEvents, registrationSyncRuns } from './schema.ts';
import { contactOf, diffAttendees, isActive, type KktixAttendee, stableJson } from './sources/kktix.ts';

/**
 * Sync: a KKTIX event's book is polled (and synced on its webhook, by hand, on creation); the
 * minute sweep catches polls and actions whose job got lost.
 */

const SYNC_JOB = 'registration.sync';
const TICK_JOB = 'registration.tick';
const LOCK_SECONDS = 5 * 60;

export type SyncTrigger = 'poll' | 'webhook' | 'manual' | 'create';
export type SyncJobData = { eventId: string; trigger: SyncTrigger; due?: string };

export type SyncSummary = {
  status: 'done' | 'busy' | 'skipped';
  total?: number;
  added?: number;
  changed?: number;
  refunded?: number;
  requests?: number;
  ms?: number;
};

export class SyncBusy extends Error {}

/** The sync job and the minute sweep. */
export function syncJobs(deps: RegistrationDeps): JobSpec<never>[] {
  return [
    {
      name: SYNC_JOB,
      handler: async (data: SyncJobData) => {
        await syncJob(deps, data);
      },
      options: { retryLimit: 3, retryDelay: 5, retryBackoff: true },
    },
    {
      name: TICK_JOB,
      handler: async () => {
        await tick(deps);
      },
      options: { cron: '* * * * *', retryLimit: 0 },
    },
  ];
}

/** Queues a sync now (webhook, manual, creation). */
export async function requestSync(deps: RegistrationDeps, eventId: string, trigger: SyncTrigger) {
  await deps.ctx.jobs.send(SYNC_JOB, { eventId, trigger });
}

/** Schedules the next poll; a poll job whose `due` no longer matches the event's is a stale chain and skips. */
async function schedulePoll(deps: RegistrationDeps, eventId: string, at: Date) {
  await deps.ctx.jobs.send(SYNC_JOB, { eventId, trigger: 'poll', due: at.toISOString() }, { startAfter: at });
}

/** The minute sweep: events whose poll is overdue (a lost job, a restart) get one now. */
export async function tick(deps: RegistrationDeps) {
  const overdue = await deps.ctx.database.db
    .select({ id: registrationEvents.id, nextSyncAt: registrationEvents.nextSyncAt })
    .from(registrationEvents)
    .where(
      and(
        eq(registrationEvents.source, 'kktix'),
        lt(registrationEvents.nextSyncAt, sql`now() - interval '30 seconds'`),
        or(
          sql`${registrationEvents.startsAt} is null`,
          sql`${registrationEvents.startsAt} > now() - interval '1 day'`,
        ),
      ),
    );
  for (const e of overdue)
    await deps.ctx.jobs.send(SYNC_JOB, {
      eventId: e.id,
      trigger: 'poll',
      due: e.nextSyncAt?.toISOString(),
    });
  // Actions whose job got lost (a crash between commit and enqueue) are queued again.
  const actions = await requeueStuckActions(deps);
  return { polls: overdue.length, actions };
}

/** The job: `due` set means a scheduled poll, skipped unless it is the event's current one. */
export async function syncJob(deps: RegistrationDeps, data: SyncJobData): Promise<SyncSummary> {
  const [ev] = await deps.ctx.database.db
    .select()
    .from(registrationEvents)
    .where(eq(registrationEvents.id, data.eventId));
  if (ev?.source !== 'kktix') return { status: 'skipped' };
  if (data.trigger === 'poll' && data.due && ev.nextSyncAt?.getTime() !== new Date(data.due).getTime())
    return { status: 'skipped' };
  try {
    return await sync(deps, ev.id, data.trigger);
  } catch (err) {
    // A poll that failed is retried by the next poll; a busy webhook sync comes back via the job's retry.
    if (err instanceof SyncBusy && data.trigger !== 'poll') throw err;
    if (data.trigger === 'poll' || err instanceof UpstreamError) return { status: 'skipped' };
    throw err;
  }
}

/**
 * One sync of a KKTIX event: read the book, fetch unknown records, diff against the stored
 * snapshot, and in ONE transaction store the snapshot, the new actions and the run. Actions are
 * rows keyed by (event, attendee, action), so a repeated sync never makes a second one.
 */
export async function sync(
  deps: RegistrationDeps,
  eventId: string,
  trigger: SyncTrigger,
): Promise<SyncSummary> {
  const started = new Date();
  const [ev] = await claim(deps.ctx.database.db, registrationEvents, {
    lease: { column: registrationEvents.syncLockUntil, seconds: LOCK_SECONDS, holds: 'lapses' },
    where: eq(registrationEvents.id, eventId),
  });
  if (!ev) throw new SyncBusy(`a sync of ${eventId} is already running`);
  const next = new Date(Date.now() + ev.pollSeconds * 1000);
  const polling = !ev.startsAt || ev.startsAt.getTime() > Date.now() - 86_400_000;
  try {
    const secrets = secretsOf(deps, ev);
    const knownRows = await deps.ctx.database.db
      .select({
        id: registrationAttendees.externalId,
        record: registrationAttendees.record,
        active: registrationAttendees.active,
        admission: registrationAttendees.admission,
      })
      .from(registrationAttendees)
      .where(eq(registrationAttendees.eventId, eventId));
    const known = new Map<number, KktixAttendee>();
    const admissionOf = new Map<number, number | null>();
    for (const r of knownRows) {
      const rec = r.record as KktixAttendee;
      // A ticket that left the book keeps its last (paid) record; it counts as refunded, so its
      // return to the book (bought again under the same id) is refetched and seen as new.
      known.set(Number(r.id), r.active || !isActive(rec) ? rec : { ...rec, state: 'cancelled' });
      admissionOf.set(Number(r.id), r.admission);
    }
    const client = kktixClient(deps, ev.settings, secrets);
    const result = await client.syncEvent(ev.settings.kktix?.eventId as string, {
      known,
      // unpaid tickets may turn paid; refunded ones may come back
      refetch: (k) => !isActive(k),
    });
    const diff = diffAttendees(known, result.attendees);
    const changedRecords = [...result.attendees.values()].filter((a) => {
      const k = known.get(a.id);
      return !k || stableJson(k) !== stableJson(a);
    });
    // Numbered in the order KKTIX recorded them (paid time, then id), the same on every replay.
    const added = [...diff.added].sort((a, b) => a.updated_at - b.updated_at || a.id - b.id);
    let createdActions: ActionKey[] = [];
    const summary = await deps.ctx.tx(async (tx) => {
      const numbers = await takeAdmissions(
        tx,
        eventId,
        added.map(() => 1),
      );
      const admitted = new Map(added.map((a, i) => [a.id, numbers[i]]));
      for (let i = 0; i < changedRecords.length; i += 500) {
        const chunk = changedRecords
          .slice(i, i + 500)
          .map((a) => ({ ...attendeeRow(eventId, a), admission: admitted.get(a.id) ?? null }));
        await tx
          .insert(registrationAttendees)
          .values(chunk)
          .onConflictDoUpdate({
            target: [registrationAttendees.eventId, registrationAttendees.externalId],
            set: {
              ticketName: sql`excluded.ticket_name`,
              name: sql`excluded.name`,
              email: sql`excluded.email`,
              phone: sql`excluded.phone`,
              active: sql`excluded.active`,
              paidAt: sql`excluded.paid_at`,
              record: sql`excluded.record`,
              updatedAt: sql`now()`,
              refundedAt: sql`case when excluded.active then null else coalesce(${registrationAttendees.refundedAt}, now()) end`,
              admission: sql`coalesce(excluded.admission, ${registrationAttendees.admission})`,
            },
          });
      }
      const gone = diff.refunded.filter((a) => !result.attendees.has(a.id)).map((a) => String(a.id));
      for (let i = 0; i < gone.length; i += 500)
        await tx
          .update(registrationAttendees)
          .set({
            active: false,
            refundedAt: sql`coalesce(${registrationAttendees.refundedAt}, now())`,
            updatedAt: sql`now()`,
          })
          .where(
            and(
              eq(registrationAttendees.eventId, eventId),
              inArray(registrationAttendees.externalId, gone.slice(i, i + 500)),
            ),
          );
      // The first sync of an event sets the baseline: people already registered are not welcomed again.
      const baseline = !ev.lastOkAt && !ev.settings.backfill;
      const created = baseline
        ? []
        : await addActions(
            tx,
            ev,
            added.map((a) => ({ externalId: String(a.id), admission: admitted.get(a.id) as number })),
            diff.refunded.map((a) => ({
              externalId: String(a.id),
              admission: admissionOf.get(a.id) ?? 0,
            })),
          );
      const counts = {
        total: result.ids.length,
        added: diff.added.length,
        changed: diff.changed.length,
        refunded: diff.refunded.length,
        requests: result.requests,
      };
      createdActions = created;
      await tx
        .insert(registrationSyncRuns)
        .values({ eventId, trigger, startedAt: started, ok: true, ...counts });
      await tx
        .update(registrationEvents)
        .set({
          lastSyncAt: new Date(),
          lastOkAt: new Date(),
          lastError: null,
          nextSyncAt: polling ? next : null,
          syncLockUntil: null,
        })
        .where(eq(registrationEvents.id, eventId));
      return counts;
    });
    if (polling) await schedulePoll(deps, eventId, next);
    // Only the actions this sync created; a job lost in a crash is found again by the minute sweep.
    await enqueueActions(deps, createdActions);
    return { status: 'done', ...summary, ms: Date.now() - started.getTime() };
  } catch (err) {
    const message = String((err as Error).message ?? err).slice(0, 500);
    await deps.ctx.database.db
      .insert(registrationSyncRuns)
      .values({ eventId, trigger, startedAt: started, ok: false, error: message });
    await deps.ctx.database.db
      .update(registrationEvents)
      .set({
        lastSyncAt: new Date(),
        lastError: message,
        nextSyncAt: polling ? next : null,
        syncLockUntil: null,
      })
      .where(eq(registrationEvents.id, eventId));
    if (polling) await schedulePoll(deps, eventId, next);
    throw err;
  }
}

/**
 * The next admission numbers of an event, one per admitted attendee (`quantities`: tickets each).
 * The increment locks the event row until the transaction ends, so concurrent admissions get
 * distinct numbers in commit order and a rolled-back one gives its numbers back.
 */
export async function takeAdmissions(tx: Tx, eventId: string, quantities: number[]): Promise<number[]> {
  const sum = quantities.reduce((x, q) => x + q, 0);
  if (quantities.length === 0) return [];
  const [row] = await tx
    .update(registrationEvents)
    .set({ admissions: sql`${registrationEvents.admissions} + ${sum}` })
    .where(eq(registrationEvents.id, eventId))
    .returning({ admissions: registrationEvents.admissions });
  let at = row.admissions - sum;
  return quantities.map((q) => {
    at += q;
    return at;
  });
}

function attendeeRow(eventId: string, a: KktixAttendee) {
  const c = contactOf(a);
  return {
    eventId,
    externalId: String(a.id),
    ticketName: a.ticket_name,
    name: c.name ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    quantity: 1,
    active: isActive(a),
    paidAt: a.updated_at ? new Date(a.updated_at * 1000) : null,
    record: a as Record<string, unknown>,
  };
}
