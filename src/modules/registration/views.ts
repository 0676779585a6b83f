import type { ColumnMapping, LoadResult } from './bigquery.ts';
import { mailTemplatesOf } from './mail-template.ts';
import type {
  RegistrationSecrets,
  RegistrationSettings,
  registrationActions,
  registrationAttendees,
  registrationAudit,
  registrationEvents,
  registrationSyncRuns,
} from './schema.ts';

/** Read models: what the routes, the web pages and the Discord bot are shown. */

export type EventRow = typeof registrationEvents.$inferSelect;
export type AttendeeRow = typeof registrationAttendees.$inferSelect;
type ActionRow = typeof registrationActions.$inferSelect;

export const DEFAULT_TIMEZONE = 'Asia/Taipei';

/** The zone the event's days, dates and mails are told in. */
export const timeZoneOf = (ev: EventRow) => ev.settings.timezone ?? DEFAULT_TIMEZONE;

/** Settings for the web UI: secrets are never returned, only whether they are set. */
export function eventView(ev: EventRow, secrets: RegistrationSecrets) {
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
      kktixToken: Boolean(secrets.kktixToken),
      gatherApiKey: Boolean(secrets.gatherApiKey),
      discordWebhookUrl: Boolean(secrets.discordWebhookUrl),
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

/** One followed registration's settings and sync state, as listed. */
export type RegistrationEventView = ReturnType<typeof eventView>;

/** One attendee as the organiser's list shows it, with its actions (newest admission first). */
export function attendeeView(r: AttendeeRow, actions: ActionRow[]) {
  return {
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
  };
}

export type RegistrationAttendeeView = ReturnType<typeof attendeeView>;

export const syncRunView = (r: typeof registrationSyncRuns.$inferSelect) => ({
  ...r,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt.toISOString(),
});

export type RegistrationSyncRunView = ReturnType<typeof syncRunView>;

export const auditView = (r: typeof registrationAudit.$inferSelect) => ({ ...r, at: r.at.toISOString() });

export type RegistrationAuditView = ReturnType<typeof auditView>;

/** How many actions of each kind are in each state. */
export type RegistrationActionCount = { action: string; status: string; n: number };

/** One ticket type: sold, and the total (a known quota) or "unlimited". */
export type RegistrationTicketStatus = { ticketName: string; sold: number; total: number | 'unlimited' };

/** Tickets sold per local day and ticket type. */
export type RegistrationSales = {
  timezone: string;
  days: string[];
  rows: { ticketName: string; perDay: number[]; total: number }[];
};

/** The event page: settings, the last sync runs, action counts and ticket status. */
export type RegistrationEventDetail = RegistrationEventView & {
  runs: RegistrationSyncRunView[];
  actions: RegistrationActionCount[];
  status: RegistrationTicketStatus[];
};

/** The questions an organiser may mark safe, and the de-identified export's BigQuery columns. */
export type RegistrationExportColumns = { questions: string[]; columns: ColumnMapping[] };

export type RegistrationBigQueryTarget = NonNullable<RegistrationSettings['bigquery']>;
export type RegistrationBigQueryLoad = LoadResult;
