import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../../platform/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Settings that are not secret; the secrets (tokens, keys, webhook URLs) live encrypted in `secrets`. */
export type RegistrationSettings = {
  kktix?: { baseUrl: string; eventId: string };
  /** the last try of the KKTIX connection: 'untested' when KKTIX could not be reached */
  kktixCheck?: { state: 'ok' | 'untested'; at: string; message?: string };
  ticketsEventId?: string;
  /** act on the attendees already there at the first sync (default: they are the baseline) */
  backfill?: boolean;
  venueLink?: string;
  timezone?: string;
  /** optional quotas per ticket name, for "/event status" (KKTIX does not expose them) */
  quotas?: Record<string, number>;
  gather?: { enabled: boolean; baseUrl?: string; spaceId?: string; allowRemoval?: boolean };
  /** subject and template are Liquid when engine is 'liquid'; older rows hold Eta (converted on read) */
  mail?: { enabled: boolean; subject?: string; template?: string; engine?: 'liquid' };
  discord?: { enabled: boolean };
  /** what the de-identified export may keep (see deidentify.ts) */
  deidentify?: { paidAt?: 'hour' | 'exact'; safeQuestions?: string[] };
  bigquery?: {
    projectId: string;
    datasetId: string;
    tableId: string;
    location?: string;
    apiEndpoint?: string;
  };
};

export type RegistrationSecrets = { kktixToken?: string; gatherApiKey?: string; discordWebhookUrl?: string };

/** One followed registration: an organiser's KKTIX event, or one of yeyak's own ticket events. */
export const registrationEvents = pgTable(
  'registration_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    organizerId: uuid('organizer_id')
      .notNull()
      .references(() => users.id),
    source: text('source', { enum: ['kktix', 'tickets'] }).notNull(),
    settings: jsonb('settings').$type<RegistrationSettings>().notNull().default({}),
    /** AES-256-GCM sealed JSON of RegistrationSecrets */
    secrets: text('secrets'),
    /** the path secret of the KKTIX webhook URL */
    webhookSecret: text('webhook_secret').notNull(),
    /** the Discord server (guild) whose members may ask the bot about this event; none: nobody */
    discordGuildId: text('discord_guild_id'),
    /**
     * Tickets admitted so far (refunds do not lower it). Each admission takes its number from here
     * under this row's lock, so announced totals are unique and in commit order per event.
     */
    admissions: integer('admissions').notNull().default(0),
    pollSeconds: integer('poll_seconds').notNull().default(180),
    startsAt: ts('starts_at'),
    lastSyncAt: ts('last_sync_at'),
    lastOkAt: ts('last_ok_at'),
    nextSyncAt: ts('next_sync_at'),
    lastError: text('last_error'),
    /** a sync in progress holds this until it ends (or the time passes, after a crash) */
    syncLockUntil: ts('sync_lock_until'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('registration_events_slug_key').on(sql`lower(${t.slug})`),
    uniqueIndex('registration_events_webhook_key').on(t.webhookSecret),
    index('registration_events_next_sync_idx').on(t.nextSyncAt),
    index('registration_events_discord_guild_idx').on(t.discordGuildId),
  ],
);

/** The last known record of each ticket (attendee) at the source. */
export const registrationAttendees = pgTable(
  'registration_attendees',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => registrationEvents.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    ticketName: text('ticket_name').notNull(),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    quantity: integer('quantity').notNull().default(1),
    active: boolean('active').notNull(),
    paidAt: ts('paid_at'),
    record: jsonb('record').$type<Record<string, unknown>>().notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    refundedAt: ts('refunded_at'),
    /** the number of this attendee's current admission (the running total it was announced with) */
    admission: integer('admission'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.externalId] }),
    index('registration_attendees_paid_idx').on(t.eventId, t.paidAt),
    uniqueIndex('registration_attendees_admission_key').on(t.eventId, t.admission),
  ],
);

export type ActionKind = 'gather' | 'mail' | 'discord' | 'gather_remove';
export type ActionStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/**
 * One action for one admission of an attendee: exists once, so it runs once; attempts and the last
 * error are kept. A refunded attendee who buys again is a new admission with its own actions.
 */
export const registrationActions = pgTable(
  'registration_actions',
  {
    eventId: uuid('event_id').notNull(),
    externalId: text('external_id').notNull(),
    action: text('action').$type<ActionKind>().notNull(),
    /** the attendee's admission this action belongs to (for gather_remove: the one revoked) */
    admission: integer('admission').notNull().default(0),
    status: text('status').$type<ActionStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    detail: text('detail'),
    claimedAt: ts('claimed_at'),
    doneAt: ts('done_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.externalId, t.action, t.admission] }),
    index('registration_actions_status_idx').on(t.status, t.updatedAt),
  ],
);

export const registrationSyncRuns = pgTable(
  'registration_sync_runs',
  {
    id: serial('id').primaryKey(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => registrationEvents.id, { onDelete: 'cascade' }),
    trigger: text('trigger').notNull(),
    startedAt: ts('started_at').notNull(),
    finishedAt: ts('finished_at').notNull().defaultNow(),
    ok: boolean('ok').notNull(),
    total: integer('total').notNull().default(0),
    added: integer('added').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    refunded: integer('refunded').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    error: text('error'),
  },
  (t) => [index('registration_sync_runs_event_idx').on(t.eventId, t.id)],
);

/** Every view and export of raw attendee data. */
export const registrationAudit = pgTable(
  'registration_audit',
  {
    id: serial('id').primaryKey(),
    eventId: uuid('event_id').notNull(),
    userId: uuid('user_id').notNull(),
    action: text('action').notNull(),
    detail: text('detail'),
    rows: integer('rows').notNull().default(0),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('registration_audit_event_idx').on(t.eventId, t.id)],
);
