import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { User } from '../../../platform/auth/service.ts';
import { claim, leaseLapsed } from '../../../platform/claim.ts';
import type { Tx } from '../../../platform/db.ts';
import { notFound } from '../../../platform/errors.ts';
import type { JobSpec } from '../../../platform/module.ts';
import { maskName } from '../deidentify.ts';
import { eventById, owned, type RegistrationDeps, secretsOf } from '../deps.ts';
import { type ActionKind, registrationActions, registrationAttendees } from '../schema.ts';
import type { EventRow } from '../views.ts';
import { announcement, postWebhook } from './discord.ts';
import { createGatherClient } from './gather.ts';
import { sendWelcomeMail } from './mail.ts';

/**
 * The action runner: every admission gets its actions (Gather guest, welcome mail, Discord
 * announcement) as rows, each run once to completion by a job; refunds get a Gather removal.
 */

const ACTION_JOB = 'registration.action';
/** A running action claimed longer ago than this was left by a worker that died mid-action. */
const ACTION_STALE_SECONDS = 5 * 60;

export type ActionKey = { eventId: string; externalId: string; action: string; admission: number };
export type ActionJobData = { eventId: string; externalId: string; action: ActionKind; admission?: number };
export type ActionOutcome = { status: 'done' | 'skipped' | 'failed'; message?: string };

/** The runner's job; a failed action comes back with backoff. */
export function actionJob(deps: RegistrationDeps): JobSpec<never> {
  return {
    name: ACTION_JOB,
    handler: async (data: ActionJobData) => {
      await runAction(deps, data);
    },
    options: { retryLimit: 5, retryDelay: 1, retryBackoff: true },
  };
}

/**
 * Runs one action at most once to completion: claimed by a conditional update, marked done after
 * the outside call answered. A failure is recorded (attempts, last error) and rethrown so the job
 * queue retries it with backoff.
 */
export async function runAction(deps: RegistrationDeps, data: ActionJobData) {
  // Jobs queued before admissions existed name none: they mean the attendee's latest one.
  let admission = data.admission;
  if (admission === undefined) {
    const [latest] = await deps.ctx.database.db
      .select({ n: sql<number>`max(${registrationActions.admission})` })
      .from(registrationActions)
      .where(
        and(
          eq(registrationActions.eventId, data.eventId),
          eq(registrationActions.externalId, data.externalId),
          eq(registrationActions.action, data.action),
        ),
      );
    if (latest?.n === null || latest?.n === undefined) return 'skipped';
    admission = Number(latest.n);
  }
  const key = and(
    eq(registrationActions.eventId, data.eventId),
    eq(registrationActions.externalId, data.externalId),
    eq(registrationActions.action, data.action),
    eq(registrationActions.admission, admission),
  );
  // Pending and failed actions are free; a running one only once its claim is stale.
  const [claimed] = await claim(deps.ctx.database.db, registrationActions, {
    lease: { column: registrationActions.claimedAt, seconds: ACTION_STALE_SECONDS },
    where: key,
    open: inArray(registrationActions.status, ['pending', 'failed', 'running']),
    alsoFree: inArray(registrationActions.status, ['pending', 'failed']),
    set: { status: 'running', attempts: sql`${registrationActions.attempts} + 1`, updatedAt: sql`now()` },
  });
  if (!claimed) return 'skipped';
  try {
    const outcome = await perform(deps, claimed);
    await deps.ctx.database.db
      .update(registrationActions)
      .set({
        status: outcome.status,
        doneAt: outcome.status === 'failed' ? null : sql`now()`,
        lastError: outcome.status === 'done' ? null : (outcome.message ?? null),
        updatedAt: sql`now()`,
      })
      .where(key);
    return outcome.status;
  } catch (err) {
    await deps.ctx.database.db
      .update(registrationActions)
      .set({
        status: 'failed',
        lastError: String((err as Error).message ?? err).slice(0, 500),
        updatedAt: sql`now()`,
      })
      .where(key);
    throw err;
  }
}

async function perform(
  deps: RegistrationDeps,
  a: typeof registrationActions.$inferSelect,
): Promise<ActionOutcome> {
  const ev = await eventById(deps, a.eventId);
  const [att] = await deps.ctx.database.db
    .select()
    .from(registrationAttendees)
    .where(
      and(eq(registrationAttendees.eventId, a.eventId), eq(registrationAttendees.externalId, a.externalId)),
    );
  if (!att) return { status: 'skipped', message: 'attendee no longer known' };
  if (a.action === 'gather_remove') {
    if (att.active) return { status: 'skipped', message: 'bought again before the removal ran' };
  } else if (!att.active) return { status: 'skipped', message: 'refunded before the action ran' };
  else if (att.admission !== null && att.admission !== a.admission)
    return { status: 'skipped', message: `superseded by admission #${att.admission}` };
  const secrets = secretsOf(deps, ev);
  const s = ev.settings;
  if (a.action === 'gather' || a.action === 'gather_remove') {
    if (!att.email) return { status: 'skipped', message: 'no e-mail address' };
    const gather = createGatherClient({
      baseUrl: s.gather?.baseUrl,
      apiKey: secrets.gatherApiKey ?? '',
      spaceId: s.gather?.spaceId ?? '',
      allowRemoval: s.gather?.allowRemoval,
      attempts: 2,
    });
    if (a.action === 'gather') {
      await gather.addGuests([
        {
          email: att.email,
          guest: { name: maskName(att.name) || undefined, affiliation: att.ticketName, role: 'guest' },
        },
      ]);
      return { status: 'done' };
    }
    const res = await gather.removeGuest(att.email);
    return res.removed ? { status: 'done' } : { status: 'skipped', message: res.message };
  }
  if (a.action === 'mail') return sendWelcomeMail(deps, ev, att, a.admission);
  if (a.action === 'discord') {
    if (!secrets.discordWebhookUrl) return { status: 'skipped', message: 'no webhook configured' };
    // The number taken when the attendee was recorded (rows from before admissions carry it in detail).
    const total = a.detail ? Number(JSON.parse(a.detail).total) : a.admission;
    const post = announcement({
      name: att.name ?? undefined,
      ticketName: att.ticketName,
      quantity: att.quantity,
      total,
      eventName: ev.name,
    });
    // Through the platform's once-records: an action that runs again after its post went through
    // (its row not marked done, a re-queued job) does not announce the attendee a second time.
    const [d] = await deps.ctx.notify.deliver(
      `registration:${a.eventId}:${a.externalId}:${a.admission}`,
      { discord: secrets.discordWebhookUrl },
      ['discord'],
      { title: 'registration', lines: post.content ? [post.content] : [] },
      { scope: 'registration-announce', send: { discord: (url) => postWebhook(url, post) } },
    );
    if (d?.status === 'failed') throw d.error;
    return { status: 'done' };
  }
  return { status: 'skipped', message: `unknown action ${a.action}` };
}

/** Retries an attendee's failed (or all unfinished) actions now. */
export async function retry(deps: RegistrationDeps, actor: User, eventId: string, externalId: string) {
  await owned(deps, actor, eventId);
  const rows = await deps.ctx.database.db
    .update(registrationActions)
    .set({ status: 'pending', updatedAt: sql`now()` })
    .where(
      and(
        eq(registrationActions.eventId, eventId),
        eq(registrationActions.externalId, externalId),
        inArray(registrationActions.status, ['failed', 'pending']),
      ),
    )
    .returning();
  if (rows.length === 0) {
    const [att] = await deps.ctx.database.db
      .select({ id: registrationAttendees.externalId })
      .from(registrationAttendees)
      .where(
        and(eq(registrationAttendees.eventId, eventId), eq(registrationAttendees.externalId, externalId)),
      );
    if (!att) throw notFound('attendee');
  }
  await enqueueActions(deps, rows);
  return rows.map((r) => r.action);
}

/**
 * Action rows for new admissions and refunds. They are keyed by admission, so replaying the same
 * change makes nothing new, while a refunded attendee who buys again gets every action again.
 */
export async function addActions(
  tx: Tx,
  ev: EventRow,
  added: { externalId: string; admission: number }[],
  refunded: { externalId: string; admission: number }[],
): Promise<ActionKey[]> {
  const s = ev.settings;
  const rows: (typeof registrationActions.$inferInsert)[] = [];
  for (const a of added) {
    const base = { eventId: ev.id, externalId: a.externalId, admission: a.admission };
    if (s.gather?.enabled) rows.push({ ...base, action: 'gather' });
    if (s.mail?.enabled) rows.push({ ...base, action: 'mail' });
    if (s.discord?.enabled) rows.push({ ...base, action: 'discord' });
  }
  if (s.gather?.enabled)
    for (const r of refunded)
      rows.push({
        eventId: ev.id,
        externalId: r.externalId,
        admission: r.admission,
        action: 'gather_remove',
      });
  const created: ActionKey[] = [];
  for (let i = 0; i < rows.length; i += 500)
    created.push(
      ...(await tx
        .insert(registrationActions)
        .values(rows.slice(i, i + 500))
        .onConflictDoNothing()
        .returning({
          eventId: registrationActions.eventId,
          externalId: registrationActions.externalId,
          action: registrationActions.action,
          admission: registrationActions.admission,
        })),
    );
  return created;
}

export async function enqueueActions(deps: RegistrationDeps, rows: ActionKey[]) {
  await deps.ctx.jobs.insert(
    rows.map((r) => ({
      name: ACTION_JOB,
      data: { eventId: r.eventId, externalId: r.externalId, action: r.action, admission: r.admission },
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: true,
    })),
  );
}

/** Actions whose job got lost (a crash between commit and enqueue, a worker that died) are queued again. */
export async function requeueStuckActions(deps: RegistrationDeps): Promise<number> {
  const stuck = await deps.ctx.database.db
    .select()
    .from(registrationActions)
    .where(
      or(
        and(
          eq(registrationActions.status, 'pending'),
          lt(registrationActions.updatedAt, sql`now() - interval '2 minutes'`),
        ),
        // claimed by a worker that died mid-action (runAction takes these over after ACTION_STALE_SECONDS)
        and(
          eq(registrationActions.status, 'running'),
          leaseLapsed(registrationActions.claimedAt, ACTION_STALE_SECONDS),
        ),
      ),
    )
    .limit(500);
  await enqueueActions(deps, stuck);
  return stuck.length;
}
