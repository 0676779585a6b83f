import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { selectRows, sqlState, type Tx } from '../../platform/db.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { checkUrlFields } from '../../platform/net/outbound.ts';
import { users } from '../../platform/schema.ts';
import { zonedParts } from '../../platform/time.ts';
import type { Tickets } from '../tickets/index.ts';
import { announcement, postWebhook } from './actions/discord.ts';
import { createGatherClient, GatherError } from './actions/gather.ts';
import { bigQueryColumns, type ColumnMapping, loadToBigQuery } from './bigquery.ts';
import {
  type AttendeeLike,
  columnsOf,
  dateIn,
  deidentifyAttendee,
  maskEmail,
  maskName,
  questionKind,
  type Row,
} from './deidentify.ts';
import {
  DEFAULT_SUBJECT,
  DEFAULT_TEMPLATE,
  liquidForSave,
  type MailData,
  mailTemplatesOf,
  renderMailTemplate,
  TemplateError,
} from './mail-template.ts';
import {
  type ActionKind,
  type RegistrationSecrets,
  type RegistrationSettings,
  registrationActions,
  registrationAttendees,
  registrationAudit,
  registrationEvents,
  registrationSyncRuns,
} from './schema.ts';
import { registrationKeys, seal, unseal } from './seal.ts';
import {
  checkKktixConnection,
  contactOf,
  createKktixClient,
  diffAttendees,
  isActive,
  type KktixAttendee,
  KktixError,
  stableJson,
} from './sources/kktix.ts';
import { UpstreamError } from './sources/upstream.ts';

export const SYNC_JOB = 'registration.sync';
export const ACTION_JOB = 'registration.action';
export const TICK_JOB = 'registration.tick';

export { DEFAULT_SUBJECT, DEFAULT_TEMPLATE };

/** Longest /event report and sales report range, in days. */
export const MAX_REPORT_DAYS = 92;
const LOCK_MS = 5 * 60_000;
const ACTION_STALE_MS = 5 * 60_000;

export type EventRow = typeof registrationEvents.$inferSelect;
export type SyncTrigger = 'poll' | 'webhook' | 'manual' | 'create';

export type EventInput = {
  slug: string;
  name: string;
  source: 'kktix' | 'tickets';
  kktix?: { baseUrl: string; eventId: string; token?: string };
  ticketsEventId?: string;
  backfill?: boolean;
  pollMinutes?: number;
  startsAt?: Date | null;
  venueLink?: string | null;
  timezone?: string;
  quotas?: Record<string, number>;
  gather?: { enabled: boolean; baseUrl?: string; spaceId?: string; apiKey?: string; allowRemoval?: boolean };
  mail?: { enabled: boolean; subject?: string; template?: string };
  discord?: { enabled: boolean; webhookUrl?: string };
  /** the Discord server (guild) whose `/event` commands see this event; null: none; omitted: unchanged */
  discordGuildId?: string | null;
  bigquery?: RegistrationSettings['bigquery'] | null;
  deidentify?: RegistrationSettings['deidentify'];
};

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

type ActionKey = { eventId: string; externalId: string; action: string; admission: number };

export type RegistrationOptions = {
  /** fetch for the outside services (tests may wrap it) */
  fetch?: typeof fetch;
  /** gap between KKTIX requests, default 100 ms */
  kktixMinIntervalMs?: number;
  kktixConcurrency?: number;
};

export class Registration {
  readonly keys: ReturnType<typeof registrationKeys>;
  constructor(
    private readonly ctx: Context,
    private readonly tickets: Tickets,
    private readonly opts: RegistrationOptions = {},
  ) {
    this.keys = registrationKeys(ctx.config.registrationSecret ?? ctx.secret);
  }

  private get db() {
    return this.ctx.database.db;
  }

  // ------------------------------------------------------------------ events and settings

  secretsOf(ev: EventRow): RegistrationSecrets {
    if (!ev.secrets) return {};
    try {
      return unseal<RegistrationSecrets>(this.keys, ev.secrets, ev.id);
    } catch {
      throw new AppError(
        409,
        `the saved credentials of ${ev.slug} cannot be opened: REGISTRATION_SECRET (or the service secret) changed; enter the tokens again`,
      );
    }
  }

  async eventById(id: string): Promise<EventRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('registration event');
    const [ev] = await this.db.select().from(registrationEvents).where(eq(registrationEvents.id, id));
    if (!ev) throw notFound('registration event');
    return ev;
  }

  /**
   * What the Discord bot may see from one server: only events whose organiser connected that guild.
   * An event of another guild is indistinguishable from an unknown slug; no guild (a DM) sees none.
   */
  async eventsForGuild(guildId: string | undefined): Promise<EventRow[]> {
    if (!guildId) return [];
    return this.db
      .select()
      .from(registrationEvents)
      .where(eq(registrationEvents.discordGuildId, guildId))
      .orderBy(asc(registrationEvents.slug));
  }

  async eventBySlugInGuild(slug: string, guildId: string | undefined): Promise<EventRow | undefined> {
    if (!guildId) return undefined;
    const [ev] = await this.db
      .select()
      .from(registrationEvents)
      .where(
        and(
          sql`lower(${registrationEvents.slug}) = lower(${slug})`,
          eq(registrationEvents.discordGuildId, guildId),
        ),
      );
    return ev;
  }

  async eventByWebhook(secret: string): Promise<EventRow | undefined> {
    const [ev] = await this.db
      .select()
      .from(registrationEvents)
      .where(and(eq(registrationEvents.webhookSecret, secret), eq(registrationEvents.source, 'kktix')));
    return ev;
  }

  /**
   * The event, if the actor organises it; admins may act on every event. Someone else's event is
   * answered like a missing one, so ids cannot be probed.
   */
  async owned(actor: User, id: string): Promise<EventRow> {
    const ev = await this.eventById(id);
    if (actor.role !== 'admin' && ev.organizerId !== actor.id) throw notFound('registration event');
    return ev;
  }

  async list(actor?: User): Promise<EventRow[]> {
    const q = this.db.select().from(registrationEvents);
    return actor && actor.role !== 'admin'
      ? q.where(eq(registrationEvents.organizerId, actor.id)).orderBy(asc(registrationEvents.slug))
      : q.orderBy(asc(registrationEvents.slug));
  }

  /** Settings for the web UI: secrets are never returned, only whether they are set. */
  view(ev: EventRow) {
    const s = this.secretsOf(ev);
    return {
      id: ev.id,
      slug: ev.slug,
      name: ev.name,
      source: ev.source,
      organizerId: ev.organizerId,
      pollMinutes: ev.pollSeconds / 60,
      startsAt: ev.startsAt?.toISOString() ?? null,
      discordGuildId: ev.discordGuildId,
      admissions: ev.admissions,
      // Eta saved before Liquid is shown converted, or as it was with the reason it is not used.
      settings: {
        ...ev.settings,
        mail: { enabled: ev.settings.mail?.enabled ?? false, ...mailTemplatesOf(ev.settings.mail) },
      },
      secrets: {
        kktixToken: Boolean(s.kktixToken),
        gatherApiKey: Boolean(s.gatherApiKey),
        discordWebhookUrl: Boolean(s.discordWebhookUrl),
      },
      webhookPath: ev.source === 'kktix' ? `/api/registration/kktix/webhook/${ev.webhookSecret}` : null,
      sync: {
        lastSyncAt: ev.lastSyncAt?.toISOString() ?? null,
        lastOkAt: ev.lastOkAt?.toISOString() ?? null,
        nextSyncAt: ev.nextSyncAt?.toISOString() ?? null,
        lastError: ev.lastError,
      },
    };
  }

  private merge(
    input: EventInput,
    before?: { settings: RegistrationSettings; secrets: RegistrationSecrets },
  ): { settings: RegistrationSettings; secrets: RegistrationSecrets } {
    const secrets: RegistrationSecrets = { ...(before?.secrets ?? {}) };
    if (input.kktix?.token) secrets.kktixToken = input.kktix.token;
    if (input.gather?.apiKey) secrets.gatherApiKey = input.gather.apiKey;
    if (input.discord?.webhookUrl) secrets.discordWebhookUrl = input.discord.webhookUrl;
    const settings: RegistrationSettings = {
      ...(input.kktix ? { kktix: { baseUrl: input.kktix.baseUrl, eventId: input.kktix.eventId } } : {}),
      ...(input.ticketsEventId ? { ticketsEventId: input.ticketsEventId } : {}),
      ...(input.venueLink ? { venueLink: input.venueLink } : {}),
      backfill: input.backfill ?? before?.settings.backfill ?? false,
      timezone: input.timezone ?? before?.settings.timezone ?? 'Asia/Taipei',
      ...(input.quotas ? { quotas: input.quotas } : {}),
      gather: {
        enabled: input.gather?.enabled ?? false,
        ...(input.gather?.baseUrl ? { baseUrl: input.gather.baseUrl } : {}),
        ...(input.gather?.spaceId ? { spaceId: input.gather.spaceId } : {}),
        allowRemoval: input.gather?.allowRemoval ?? false,
      },
      mail: {
        enabled: input.mail?.enabled ?? false,
        subject: mailField('body.mail.subject', input.mail?.subject || DEFAULT_SUBJECT, 'text'),
        template: mailField('body.mail.template', input.mail?.template || DEFAULT_TEMPLATE, 'html'),
        engine: 'liquid',
      },
      discord: { enabled: input.discord?.enabled ?? false },
      ...(input.bigquery ? { bigquery: input.bigquery } : {}),
      ...(input.deidentify ? { deidentify: input.deidentify } : {}),
    };
    if (input.source === 'kktix') {
      if (!settings.kktix) throw invalidField('body.kktix', 'required for a KKTIX source');
      if (!secrets.kktixToken) throw invalidField('body.kktix.token', 'required');
    } else if (!settings.ticketsEventId)
      throw invalidField('body.ticketsEventId', 'required for a tickets source');
    if (settings.gather?.enabled && (!settings.gather.spaceId || !secrets.gatherApiKey))
      throw invalidField('body.gather', 'spaceId and apiKey are required when Gather is on');
    if (settings.discord?.enabled && !secrets.discordWebhookUrl)
      throw invalidField('body.discord.webhookUrl', 'required when Discord announcements are on');
    return { settings, secrets };
  }

  /**
   * Checks the source answers with these credentials, so a wrong token is a clear 422 now, not a
   * failed poll later. KKTIX out of reach is no reason to lose the settings: they are saved with
   * `kktixCheck.state` 'untested' (tested again with testConnection).
   */
  private async checkSource(
    actor: User,
    input: EventInput,
    settings: RegistrationSettings,
    secrets: RegistrationSecrets,
  ) {
    if (input.source === 'tickets') {
      // Only the actor's own ticket events (admins: any): following one shows its buyers.
      try {
        await this.tickets.ownedEvent(actor, settings.ticketsEventId as string);
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 404) throw err;
        const path = 'body.ticketsEventId';
        throw new AppError(404, `${path}: no such yeyak event`, {
          errors: [{ path, message: 'no such yeyak event' }],
        });
      }
      return;
    }
    const client = this.kktix(settings, secrets);
    try {
      settings.kktixCheck = await checkKktixConnection(client, settings.kktix?.eventId as string);
    } catch (err) {
      // Http throws a plain UpstreamError when KKTIX cannot be reached at all: that is the base URL
      // the organiser typed, named like any other field (502: the fault is over there, not in the input).
      if (err instanceof KktixError || err instanceof UpstreamError) {
        const unreachable = err.reason === 'unavailable';
        const path =
          err.reason === 'unauthorized'
            ? 'body.kktix.token'
            : unreachable
              ? 'body.kktix.baseUrl'
              : 'body.kktix';
        throw new AppError(unreachable ? 502 : 422, `${path}: ${err.message}`, {
          errors: [{ path, message: err.message }],
          reason: err.reason,
        });
      }
      throw err;
    }
  }

  private kktix(settings: RegistrationSettings, secrets: RegistrationSecrets) {
    return createKktixClient({
      baseUrl: settings.kktix?.baseUrl as string,
      token: secrets.kktixToken as string,
      fetch: this.opts.fetch,
      minIntervalMs: this.opts.kktixMinIntervalMs ?? this.ctx.config.registrationKktixIntervalMs ?? 100,
      concurrency: this.opts.kktixConcurrency ?? 2,
      timeoutMs: 15_000,
    });
  }

  async create(actor: User, input: EventInput): Promise<EventRow> {
    const { settings, secrets } = this.merge(input);
    await checkAddresses(input);
    await this.checkSource(actor, input, settings, secrets);
    const id = crypto.randomUUID();
    try {
      const [ev] = await this.db
        .insert(registrationEvents)
        .values({
          id,
          slug: input.slug,
          name: input.name,
          organizerId: actor.id,
          source: input.source,
          settings,
          secrets: seal(this.keys, secrets, id),
          webhookSecret: randomBytes(24).toString('base64url'),
          pollSeconds: Math.round((input.pollMinutes ?? 3) * 60),
          startsAt: input.startsAt ?? null,
          discordGuildId: input.discordGuildId ?? null,
          nextSyncAt: input.source === 'kktix' ? new Date() : null,
        })
        .returning();
      if (ev.source === 'kktix') await this.requestSync(ev.id, 'create');
      return ev;
    } catch (err) {
      if (sqlState(err) === '23505')
        throw conflict(`slug ${input.slug} is already taken`, { path: 'body.slug' });
      throw err;
    }
  }

  async update(actor: User, id: string, input: EventInput): Promise<EventRow> {
    const ev = await this.owned(actor, id);
    if (input.source !== ev.source) throw invalidField('body.source', 'cannot be changed');
    let before: RegistrationSecrets = {};
    try {
      before = this.secretsOf(ev);
    } catch {
      // Sealed under an old key: the input must bring the secrets again (merge checks they are there).
    }
    const { settings, secrets } = this.merge(input, { settings: ev.settings, secrets: before });
    await checkAddresses(input);
    const sourceChanged =
      stableJson(settings.kktix ?? null) !== stableJson(ev.settings.kktix ?? null) ||
      Boolean(input.kktix?.token) ||
      settings.ticketsEventId !== ev.settings.ticketsEventId;
    if (sourceChanged) await this.checkSource(actor, input, settings, secrets);
    else if (ev.settings.kktixCheck) settings.kktixCheck = ev.settings.kktixCheck;
    try {
      const [row] = await this.db
        .update(registrationEvents)
        .set({
          slug: input.slug,
          name: input.name,
          settings,
          secrets: seal(this.keys, secrets, id),
          pollSeconds: Math.round((input.pollMinutes ?? ev.pollSeconds / 60) * 60),
          startsAt: input.startsAt === undefined ? ev.startsAt : input.startsAt,
          discordGuildId: input.discordGuildId === undefined ? ev.discordGuildId : input.discordGuildId,
          updatedAt: new Date(),
        })
        .where(eq(registrationEvents.id, id))
        .returning();
      return row;
    } catch (err) {
      if (sqlState(err) === '23505')
        throw conflict(`slug ${input.slug} is already taken`, { path: 'body.slug' });
      throw err;
    }
  }

  /** "Test now": tries the saved KKTIX connection again and records the outcome. */
  async testConnection(actor: User, id: string): Promise<EventRow> {
    const ev = await this.owned(actor, id);
    if (ev.source !== 'kktix') throw invalidField('source', 'only a KKTIX connection can be tested');
    const settings: RegistrationSettings = { ...ev.settings };
    await this.checkSource(
      actor,
      { slug: ev.slug, name: ev.name, source: 'kktix' },
      settings,
      this.secretsOf(ev),
    );
    const [row] = await this.db
      .update(registrationEvents)
      .set({ settings, updatedAt: new Date() })
      .where(eq(registrationEvents.id, id))
      .returning();
    if (settings.kktixCheck?.state === 'ok') await this.requestSync(id, 'manual');
    return row;
  }

  // ------------------------------------------------------------------ sync

  /** Queues a sync now (webhook, manual, creation). */
  async requestSync(eventId: string, trigger: SyncTrigger) {
    await this.ctx.jobs.send(SYNC_JOB, { eventId, trigger });
  }

  /** Schedules the next poll; a poll job whose `due` no longer matches the event's is a stale chain and skips. */
  private async schedulePoll(eventId: string, at: Date) {
    await this.ctx.jobs.boss.sendAfter(SYNC_JOB, { eventId, trigger: 'poll', due: at.toISOString() }, {}, at);
  }

  /** The minute sweep: events whose poll is overdue (a lost job, a restart) get one now. */
  async tick() {
    const overdue = await this.db
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
      await this.ctx.jobs.send(SYNC_JOB, {
        eventId: e.id,
        trigger: 'poll',
        due: e.nextSyncAt?.toISOString(),
      });
    // Actions whose job got lost (a crash between commit and enqueue) are queued again.
    const stuck = await this.db
      .select()
      .from(registrationActions)
      .where(
        or(
          and(
            eq(registrationActions.status, 'pending'),
            lt(registrationActions.updatedAt, sql`now() - interval '2 minutes'`),
          ),
          // claimed by a worker that died mid-action (runAction takes these over after ACTION_STALE_MS)
          and(
            eq(registrationActions.status, 'running'),
            lt(registrationActions.claimedAt, sql`now() - interval '5 minutes'`),
          ),
        ),
      )
      .limit(500);
    await this.enqueueActions(stuck);
    return { polls: overdue.length, actions: stuck.length };
  }

  /** The job: `due` set means a scheduled poll, skipped unless it is the event's current one. */
  async syncJob(data: { eventId: string; trigger: SyncTrigger; due?: string }): Promise<SyncSummary> {
    const [ev] = await this.db
      .select()
      .from(registrationEvents)
      .where(eq(registrationEvents.id, data.eventId));
    if (ev?.source !== 'kktix') return { status: 'skipped' };
    if (data.trigger === 'poll' && data.due && ev.nextSyncAt?.getTime() !== new Date(data.due).getTime())
      return { status: 'skipped' };
    try {
      return await this.sync(ev.id, data.trigger);
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
  async sync(eventId: string, trigger: SyncTrigger): Promise<SyncSummary> {
    const started = new Date();
    const [ev] = await this.db
      .update(registrationEvents)
      .set({ syncLockUntil: new Date(Date.now() + LOCK_MS) })
      .where(
        and(
          eq(registrationEvents.id, eventId),
          or(
            sql`${registrationEvents.syncLockUntil} is null`,
            lt(registrationEvents.syncLockUntil, sql`now()`),
          ),
        ),
      )
      .returning();
    if (!ev) throw new SyncBusy(`a sync of ${eventId} is already running`);
    const next = new Date(Date.now() + ev.pollSeconds * 1000);
    const polling = !ev.startsAt || ev.startsAt.getTime() > Date.now() - 86_400_000;
    try {
      const secrets = this.secretsOf(ev);
      const knownRows = await this.db
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
      const client = this.kktix(ev.settings, secrets);
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
      const summary = await this.ctx.tx(async (tx) => {
        const numbers = await this.takeAdmissions(
          tx,
          eventId,
          added.map(() => 1),
        );
        const admitted = new Map(added.map((a, i) => [a.id, numbers[i]]));
        for (let i = 0; i < changedRecords.length; i += 500) {
          const chunk = changedRecords
            .slice(i, i + 500)
            .map((a) => ({ ...this.attendeeRow(eventId, a), admission: admitted.get(a.id) ?? null }));
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
          : await this.addActions(
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
      if (polling) await this.schedulePoll(eventId, next);
      // Only the actions this sync created; a job lost in a crash is found again by the minute sweep.
      await this.enqueueActions(createdActions);
      return { status: 'done', ...summary, ms: Date.now() - started.getTime() };
    } catch (err) {
      const message = String((err as Error).message ?? err).slice(0, 500);
      await this.db
        .insert(registrationSyncRuns)
        .values({ eventId, trigger, startedAt: started, ok: false, error: message });
      await this.db
        .update(registrationEvents)
        .set({
          lastSyncAt: new Date(),
          lastError: message,
          nextSyncAt: polling ? next : null,
          syncLockUntil: null,
        })
        .where(eq(registrationEvents.id, eventId));
      if (polling) await this.schedulePoll(eventId, next);
      throw err;
    }
  }

  /**
   * The next admission numbers of an event, one per admitted attendee (`quantities`: tickets each).
   * The increment locks the event row until the transaction ends, so concurrent admissions get
   * distinct numbers in commit order and a rolled-back one gives its numbers back.
   */
  private async takeAdmissions(tx: Tx, eventId: string, quantities: number[]): Promise<number[]> {
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

  private attendeeRow(eventId: string, a: KktixAttendee) {
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

  /**
   * Action rows for new admissions and refunds. They are keyed by admission, so replaying the same
   * change makes nothing new, while a refunded attendee who buys again gets every action again.
   */
  private async addActions(
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

  private async enqueueActions(rows: ActionKey[]) {
    await this.ctx.jobs.insert(
      rows.map((r) => ({
        name: ACTION_JOB,
        data: { eventId: r.eventId, externalId: r.externalId, action: r.action, admission: r.admission },
        retryLimit: 5,
        retryDelay: 1,
        retryBackoff: true,
      })),
    );
  }

  // ------------------------------------------------------------------ yeyak's own tickets

  /** A `reservation.confirmed` / `reservation.cancelled` event, read through the tickets module's public API. */
  async onReservation(topic: string, payload: Record<string, unknown>) {
    const r = await this.tickets.reservationById(Number(payload.reservationId));
    if (!r) return;
    const owner = (await this.tickets.getEvent(r.eventId)).organizerId;
    // Only registrations of the event's own organiser (or an admin) see its buyers, rows saved
    // before that was checked at creation included.
    const followers = await this.db
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
    const active = topic === 'reservation.confirmed' && !r.deleted;
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
      await this.ctx.tx(async (tx) => {
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
        const [admission] = admitted ? await this.takeAdmissions(tx, ev.id, [r.quantity]) : [];
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
        if (admitted) created = await this.addActions(tx, ev, [{ externalId, admission }], []);
        if (!active && before?.active)
          created = await this.addActions(tx, ev, [], [{ externalId, admission: before.admission ?? 0 }]);
      });
      await this.enqueueActions(created);
    }
  }

  // ------------------------------------------------------------------ actions

  /**
   * Runs one action at most once to completion: claimed by a conditional update, marked done after
   * the outside call answered. A failure is recorded (attempts, last error) and rethrown so the job
   * queue retries it with backoff.
   */
  async runAction(data: { eventId: string; externalId: string; action: ActionKind; admission?: number }) {
    // Jobs queued before admissions existed name none: they mean the attendee's latest one.
    let admission = data.admission;
    if (admission === undefined) {
      const [latest] = await this.db
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
    const [claimed] = await this.db
      .update(registrationActions)
      .set({
        status: 'running',
        claimedAt: sql`now()`,
        attempts: sql`${registrationActions.attempts} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          key,
          or(
            inArray(registrationActions.status, ['pending', 'failed']),
            and(
              eq(registrationActions.status, 'running'),
              lt(registrationActions.claimedAt, new Date(Date.now() - ACTION_STALE_MS)),
            ),
          ),
        ),
      )
      .returning();
    if (!claimed) return 'skipped';
    try {
      const outcome = await this.perform(claimed);
      await this.db
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
      await this.db
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

  private async perform(
    a: typeof registrationActions.$inferSelect,
  ): Promise<{ status: 'done' | 'skipped' | 'failed'; message?: string }> {
    const ev = await this.eventById(a.eventId);
    const [att] = await this.db
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
    const secrets = this.secretsOf(ev);
    const s = ev.settings;
    if (a.action === 'gather' || a.action === 'gather_remove') {
      if (!att.email) return { status: 'skipped', message: 'no e-mail address' };
      const gather = createGatherClient({
        baseUrl: s.gather?.baseUrl,
        apiKey: secrets.gatherApiKey ?? '',
        spaceId: s.gather?.spaceId ?? '',
        allowRemoval: s.gather?.allowRemoval,
        fetch: this.opts.fetch,
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
    if (a.action === 'mail') {
      if (!att.email) return { status: 'skipped', message: 'no e-mail address' };
      const data = this.mailData(ev, att);
      const templates = mailTemplatesOf(s.mail);
      // A template that cannot be used fails this action with the reason (retry after fixing it);
      // nothing is sent and the job itself succeeds, so the queue does not retry it blindly.
      if (templates.needsAttention) return { status: 'failed', message: templates.needsAttention };
      let html: string;
      let subject: string;
      try {
        html = renderMailTemplate(templates.template, data, 'html');
        subject = renderMailTemplate(templates.subject, data, 'text');
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        return { status: 'failed', message: `the mail template does not render: ${err.message}` };
      }
      await this.ctx.mailer.send({
        // One Message-ID per attendee admission, so a repeated send is recognisably the same mail.
        key: `registration.${a.eventId}.${a.externalId}.${a.admission}.welcome`,
        to: att.email,
        subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 200),
        html,
        text: html
          .replace(/<br\s*\/?>|<\/p>/gi, '\n')
          .replace(/<[^>]+>/g, '')
          .replace(/&amp;/g, '&')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/\n{3,}/g, '\n\n')
          .trim(),
      });
      return { status: 'done' };
    }
    if (a.action === 'discord') {
      if (!secrets.discordWebhookUrl) return { status: 'skipped', message: 'no webhook configured' };
      // The number taken when the attendee was recorded (rows from before admissions carry it in detail).
      const total = a.detail ? Number(JSON.parse(a.detail).total) : a.admission;
      await postWebhook(
        secrets.discordWebhookUrl,
        announcement({
          name: att.name ?? undefined,
          ticketName: att.ticketName,
          quantity: att.quantity,
          total,
          eventName: ev.name,
        }),
      );
      return { status: 'done' };
    }
    return { status: 'skipped', message: `unknown action ${a.action}` };
  }

  private mailData(ev: EventRow, att: typeof registrationAttendees.$inferSelect): MailData {
    const tz = ev.settings.timezone ?? 'Asia/Taipei';
    const when = ev.startsAt ? zonedParts(ev.startsAt, tz) : undefined;
    return {
      name: att.name || (att.email ? att.email.split('@')[0] : ''),
      email: att.email ?? '',
      eventName: ev.name,
      slug: ev.slug,
      ticketName: att.ticketName,
      quantity: att.quantity,
      venueLink: ev.settings.venueLink ?? '',
      date: when ? `${when.date} ${when.time} (${tz})` : '',
    };
  }

  /** Retries an attendee's failed (or all unfinished) actions now. */
  async retry(actor: User, eventId: string, externalId: string) {
    await this.owned(actor, eventId);
    const rows = await this.db
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
      const [att] = await this.db
        .select({ id: registrationAttendees.externalId })
        .from(registrationAttendees)
        .where(
          and(eq(registrationAttendees.eventId, eventId), eq(registrationAttendees.externalId, externalId)),
        );
      if (!att) throw notFound('attendee');
    }
    await this.enqueueActions(rows);
    return rows.map((r) => r.action);
  }

  // ------------------------------------------------------------------ reading

  async audit(actor: User, eventId: string, action: string, rows: number, detail?: string) {
    await this.db
      .insert(registrationAudit)
      .values({ eventId, userId: actor.id, action, rows, detail: detail ?? null });
  }

  /** Raw attendee data with action states: for the event's organisers and admins, audited. */
  async attendees(actor: User, eventId: string, opts: { limit?: number; offset?: number } = {}) {
    await this.owned(actor, eventId);
    const rows = await this.db
      .select()
      .from(registrationAttendees)
      .where(eq(registrationAttendees.eventId, eventId))
      .orderBy(desc(registrationAttendees.paidAt), asc(registrationAttendees.externalId))
      .limit(opts.limit ?? 200)
      .offset(opts.offset ?? 0);
    const actions = rows.length
      ? await this.db
          .select()
          .from(registrationActions)
          .where(
            and(
              eq(registrationActions.eventId, eventId),
              inArray(
                registrationActions.externalId,
                rows.map((r) => r.externalId),
              ),
            ),
          )
      : [];
    const [{ n }] = await selectRows<{ n: number }>(
      this.db,
      sql`select count(*)::int as n from registration_attendees where event_id = ${eventId}`,
    );
    await this.audit(actor, eventId, 'view', rows.length, `attendees offset ${opts.offset ?? 0}`);
    return {
      total: Number(n),
      attendees: rows.map((r) => ({
        id: r.externalId,
        name: r.name,
        email: r.email,
        phone: r.phone,
        ticketName: r.ticketName,
        quantity: r.quantity,
        active: r.active,
        paidAt: r.paidAt?.toISOString() ?? null,
        refundedAt: r.refundedAt?.toISOString() ?? null,
        admission: r.admission,
        // newest admission first: an attendee who bought again shows the new round on top
        actions: actions
          .filter((a) => a.externalId === r.externalId)
          .sort((x, y) => y.admission - x.admission || x.action.localeCompare(y.action))
          .map((a) => ({
            admission: a.admission,
            action: a.action,
            status: a.status,
            attempts: a.attempts,
            lastError: a.lastError,
            doneAt: a.doneAt?.toISOString() ?? null,
          })),
      })),
    };
  }

  async syncRuns(eventId: string, limit = 20) {
    const rows = await this.db
      .select()
      .from(registrationSyncRuns)
      .where(eq(registrationSyncRuns.eventId, eventId))
      .orderBy(desc(registrationSyncRuns.id))
      .limit(limit);
    return rows.map((r) => ({
      ...r,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
    }));
  }

  async actionCounts(eventId: string) {
    return selectRows<{ action: string; status: string; n: number }>(
      this.db,
      sql`select action, status, count(*)::int as n from registration_actions where event_id = ${eventId} group by 1, 2 order by 1, 2`,
    );
  }

  async auditLog(eventId: string, limit = 100) {
    const rows = await this.db
      .select()
      .from(registrationAudit)
      .where(eq(registrationAudit.eventId, eventId))
      .orderBy(desc(registrationAudit.id))
      .limit(limit);
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }

  /** Tickets sold per local day and ticket type (active tickets, by paid time). */
  async sales(ev: EventRow, range?: { from: string; to: string }) {
    const tz = ev.settings.timezone ?? 'Asia/Taipei';
    const rows = await selectRows<{ day: string; ticket: string; n: number }>(
      this.db,
      sql`select to_char(paid_at at time zone ${tz}, 'YYYY-MM-DD') as day, ticket_name as ticket, sum(quantity)::int as n
            from registration_attendees
           where event_id = ${ev.id} and active and paid_at is not null
           group by 1, 2 order by 1, 2`,
    );
    const days = range ? daysBetween(range.from, range.to) : [...new Set(rows.map((r) => r.day))].sort();
    const tickets = [...new Set(rows.map((r) => r.ticket))].sort();
    const cell = new Map(rows.map((r) => [`${r.ticket}\u0000${r.day}`, Number(r.n)]));
    const table = tickets.map((t) => {
      const perDay = days.map((d) => cell.get(`${t}\u0000${d}`) ?? 0);
      return { ticketName: t, perDay, total: perDay.reduce((x, y) => x + y, 0) };
    });
    return { timezone: tz, days, rows: table };
  }

  /** The CSV of /event report: one row per ticket type, one column per day, a total column. */
  async reportCsv(ev: EventRow, from: string, to: string) {
    checkRange(from, to);
    const s = await this.sales(ev, { from, to });
    const head = ['ticket_type', ...s.days, 'total'];
    const body = s.rows.map((r) => [r.ticketName, ...r.perDay, r.total]);
    const totals = s.days.map((_d, i) => s.rows.reduce((x, r) => x + r.perDay[i], 0));
    body.push(['TOTAL', ...totals, totals.reduce((x, y) => x + y, 0)]);
    return `${[head, ...body].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }

  /** Each ticket type: sold, and the total (a known quota) or "unlimited". */
  async status(ev: EventRow) {
    const rows = await selectRows<{ ticket: string; n: number }>(
      this.db,
      sql`select ticket_name as ticket, sum(quantity)::int as n from registration_attendees
           where event_id = ${ev.id} and active group by 1 order by 1`,
    );
    const quotas: Record<string, number> = { ...(ev.settings.quotas ?? {}) };
    if (ev.source === 'tickets' && ev.settings.ticketsEventId) {
      try {
        const te = await this.tickets.getEvent(ev.settings.ticketsEventId);
        for (const st of te.showtimes)
          for (const t of st.ticketTypes) quotas[t.name] = (quotas[t.name] ?? 0) + t.quota;
      } catch {}
    }
    const names = [...new Set([...rows.map((r) => r.ticket), ...Object.keys(quotas)])].sort();
    const sold = new Map(rows.map((r) => [r.ticket, Number(r.n)]));
    return names.map((name) => ({
      ticketName: name,
      sold: sold.get(name) ?? 0,
      total: quotas[name] === undefined ? ('unlimited' as const) : quotas[name],
    }));
  }

  /**
   * Whether tickets are still sold: a yeyak event has ended when none of its showtimes is still to
   * come; a KKTIX one when its start time (set by the organiser) has passed.
   */
  async saleState(ev: EventRow, now = new Date()): Promise<'on_sale' | 'ended'> {
    if (ev.source === 'tickets' && ev.settings.ticketsEventId) {
      try {
        const te = await this.tickets.getEvent(ev.settings.ticketsEventId);
        return te.showtimes.some((s) => new Date(s.startsAt) > now) ? 'on_sale' : 'ended';
      } catch {
        return 'ended';
      }
    }
    return ev.startsAt && ev.startsAt <= now ? 'ended' : 'on_sale';
  }

  /** Export rows: de-identified (pseudonyms, masked names, dates kept) or raw (audited). */
  async exportRows(actor: User, ev: EventRow, kind: 'deidentified' | 'raw', format: string): Promise<Row[]> {
    const rows = await this.db
      .select()
      .from(registrationAttendees)
      .where(eq(registrationAttendees.eventId, ev.id))
      .orderBy(asc(registrationAttendees.paidAt), asc(registrationAttendees.externalId));
    await this.audit(
      actor,
      ev.id,
      kind === 'raw' ? 'export_raw' : 'export_deidentified',
      rows.length,
      format,
    );
    if (kind === 'raw')
      return rows.map((r) => ({
        attendee_id: r.externalId,
        ticket_name: r.ticketName,
        name: r.name,
        email: r.email,
        phone: r.phone,
        quantity: r.quantity,
        active: r.active,
        paid_at: r.paidAt?.toISOString(),
        refunded_at: r.refundedAt?.toISOString(),
      }));
    return rows.map((r) => this.deidentifiedRow(ev, r));
  }

  private deidentifiedRow(ev: EventRow, r: typeof registrationAttendees.$inferSelect): Row {
    const tz = ev.settings.timezone ?? 'Asia/Taipei';
    return {
      event: ev.slug,
      ...deidentifyAttendee(r.record as AttendeeLike, {
        secret: this.keys.pseudonym,
        scope: ev.id,
        timeZone: tz,
        paidAt: ev.settings.deidentify?.paidAt ?? 'hour',
        safeQuestions: ev.settings.deidentify?.safeQuestions ?? [],
      }),
      quantity: r.quantity,
      active: r.active,
      refunded_date: r.refundedAt ? dateIn(r.refundedAt.getTime(), tz) : undefined,
    };
  }

  /**
   * The form questions an organiser may mark safe (contact and dropped fields are never exported
   * in clear), and the de-identified export's columns with their BigQuery names. Names only, no
   * personal data, so not audited.
   */
  async exportColumns(ev: EventRow): Promise<{ questions: string[]; columns: ColumnMapping[] }> {
    const rows = await this.db
      .select()
      .from(registrationAttendees)
      .where(eq(registrationAttendees.eventId, ev.id))
      .orderBy(asc(registrationAttendees.paidAt), asc(registrationAttendees.externalId));
    const questions = new Set<string>();
    for (const r of rows)
      for (const [q] of (r.record as AttendeeLike).data ?? [])
        if (['answer', 'name'].includes(questionKind(q))) questions.add(q);
    return {
      questions: [...questions],
      columns: bigQueryColumns(columnsOf(rows.map((r) => this.deidentifiedRow(ev, r)))),
    };
  }
}

export const maskedEmail = maskEmail;

/** De-identified rows into the event's BigQuery table (a load job), audited like a download. */
export async function exportToBigQuery(reg: Registration, actor: User, ev: EventRow) {
  const target = ev.settings.bigquery;
  if (!target) throw invalidField('settings.bigquery', 'set the BigQuery project, dataset and table first');
  const rows = await reg.exportRows(actor, ev, 'deidentified', 'bigquery');
  try {
    return await loadToBigQuery(rows, target);
  } catch (err) {
    throw new AppError(502, `BigQuery: ${(err as Error).message}`);
  }
}

/** A template as saved: Liquid (variable-only Eta is converted); a 400 naming the field otherwise. */
function mailField(path: string, source: string, kind: 'html' | 'text'): string {
  try {
    return liquidForSave(source, kind);
  } catch (err) {
    if (err instanceof TemplateError) throw invalidField(path, err.message);
    throw err;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `where` prefixes the field names (`querystring` for a route) so the answer names the right place. */
export function checkRange(from: string, to: string, where = '') {
  const at = (k: string) => (where ? `${where}.${k}` : k);
  for (const [k, v] of [
    [at('from'), from],
    [at('to'), to],
  ] as const)
    if (
      !DATE.test(v) ||
      Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ||
      new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v
    )
      throw invalidField(k, 'must be a date YYYY-MM-DD');
  if (from > to) throw invalidField(at('to'), 'must not be before from');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days > MAX_REPORT_DAYS)
    throw invalidField(at('to'), `the range is ${days} days; at most ${MAX_REPORT_DAYS}`);
}

export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export { GatherError };

/** One attendee as the organiser's list shows it (with its actions, newest admission first). */
export type AttendeeView = Awaited<ReturnType<Registration['attendees']>>['attendees'][number];

/** The addresses the server will fetch, refused with a 400 naming the field when not public. */
function checkAddresses(input: EventInput) {
  return checkUrlFields([
    ['body.kktix.baseUrl', input.kktix?.baseUrl],
    ['body.gather.baseUrl', input.gather?.baseUrl],
    ['body.discord.webhookUrl', input.discord?.webhookUrl],
    ['body.bigquery.apiEndpoint', input.bigquery?.apiEndpoint],
  ]);
}
