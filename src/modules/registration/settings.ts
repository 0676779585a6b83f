import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { sqlState } from '../../platform/db.ts';
import { AppError, conflict, fieldError, invalidField } from '../../platform/errors.ts';
import { isCode, msg } from '../../platform/messages/index.ts';
import { UpstreamError } from '../../platform/net/http.ts';
import { checkUrlFields } from '../../platform/net/outbound.ts';
import { kktixClient, owned, type RegistrationDeps, secretsOf } from './deps.ts';
import { DEFAULT_SUBJECT, DEFAULT_TEMPLATE, liquidForSave, TemplateError } from './mail-template.ts';
import { type RegistrationSecrets, type RegistrationSettings, registrationEvents } from './schema.ts';
import { seal } from './seal.ts';
import { checkKktixConnection, KktixError, stableJson } from './sources/kktix.ts';
import { requestSync } from './sync.ts';
import { DEFAULT_TIMEZONE, type EventRow } from './views.ts';

/** Events and settings: following a registration, changing it, testing its connection, finding it. */

/** A registration as the organiser enters it; omitted secrets keep the saved ones. */
export type RegistrationEventInput = {
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

/**
 * What the Discord bot may see from one server: only events whose organiser connected that guild.
 * An event of another guild is indistinguishable from an unknown slug; no guild (a DM) sees none.
 */
export async function eventsForGuild(
  deps: RegistrationDeps,
  guildId: string | undefined,
): Promise<EventRow[]> {
  if (!guildId) return [];
  return deps.ctx.database.db
    .select()
    .from(registrationEvents)
    .where(eq(registrationEvents.discordGuildId, guildId))
    .orderBy(asc(registrationEvents.slug));
}

export async function eventBySlugInGuild(
  deps: RegistrationDeps,
  slug: string,
  guildId: string | undefined,
): Promise<EventRow | undefined> {
  if (!guildId) return undefined;
  const [ev] = await deps.ctx.database.db
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

export async function eventByWebhook(deps: RegistrationDeps, secret: string): Promise<EventRow | undefined> {
  const [ev] = await deps.ctx.database.db
    .select()
    .from(registrationEvents)
    .where(and(eq(registrationEvents.webhookSecret, secret), eq(registrationEvents.source, 'kktix')));
  return ev;
}

export async function list(deps: RegistrationDeps, actor?: User): Promise<EventRow[]> {
  const q = deps.ctx.database.db.select().from(registrationEvents);
  return actor && actor.role !== 'admin'
    ? q.where(eq(registrationEvents.organizerId, actor.id)).orderBy(asc(registrationEvents.slug))
    : q.orderBy(asc(registrationEvents.slug));
}

function merge(
  input: RegistrationEventInput,
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
    timezone: input.timezone ?? before?.settings.timezone ?? DEFAULT_TIMEZONE,
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
async function checkSource(
  deps: RegistrationDeps,
  actor: User,
  input: RegistrationEventInput,
  settings: RegistrationSettings,
  secrets: RegistrationSecrets,
) {
  if (input.source === 'tickets') {
    // Only the actor's own ticket events (admins: any): following one shows its buyers.
    try {
      await deps.tickets.ownedEvent(actor, settings.ticketsEventId as string);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 404) throw err;
      const path = 'body.ticketsEventId';
      const e = fieldError(path, msg('registration.no_tickets_event'));
      throw new AppError(
        404,
        { ...msg('registration.no_tickets_event'), text: `${path}: ${e.message}` },
        {
          errors: [e],
        },
      );
    }
    return;
  }
  const client = kktixClient(deps, settings, secrets);
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
      // The adapter's coded message (KKTIX's refusal in the reader's language), under the field.
      const e = fieldError(
        path,
        err.key && isCode(err.key) ? { key: err.key, params: err.params, text: err.message } : err.message,
      );
      throw new AppError(
        unreachable ? 502 : 422,
        e.key && isCode(e.key)
          ? { key: e.key, params: e.params, text: `${path}: ${err.message}` }
          : `${path}: ${err.message}`,
        { errors: [e], reason: err.reason },
      );
    }
    throw err;
  }
}

export async function create(
  deps: RegistrationDeps,
  actor: User,
  input: RegistrationEventInput,
): Promise<EventRow> {
  const { settings, secrets } = merge(input);
  await checkAddresses(input);
  await checkSource(deps, actor, input, settings, secrets);
  const id = crypto.randomUUID();
  try {
    const [ev] = await deps.ctx.database.db
      .insert(registrationEvents)
      .values({
        id,
        slug: input.slug,
        name: input.name,
        organizerId: actor.id,
        source: input.source,
        settings,
        secrets: seal(deps.keys, secrets, id),
        webhookSecret: randomBytes(24).toString('base64url'),
        pollSeconds: Math.round((input.pollMinutes ?? 3) * 60),
        startsAt: input.startsAt ?? null,
        discordGuildId: input.discordGuildId ?? null,
        nextSyncAt: input.source === 'kktix' ? new Date() : null,
      })
      .returning();
    if (ev.source === 'kktix') await requestSync(deps, ev.id, 'create');
    return ev;
  } catch (err) {
    if (sqlState(err) === '23505')
      throw conflict(msg('registration.slug_taken', { slug: input.slug }), { path: 'body.slug' });
    throw err;
  }
}

export async function update(
  deps: RegistrationDeps,
  actor: User,
  id: string,
  input: RegistrationEventInput,
): Promise<EventRow> {
  const ev = await owned(deps, actor, id);
  if (input.source !== ev.source) throw invalidField('body.source', 'cannot be changed');
  let before: RegistrationSecrets = {};
  try {
    before = secretsOf(deps, ev);
  } catch {
    // Sealed under an old key: the input must bring the secrets again (merge checks they are there).
  }
  const { settings, secrets } = merge(input, { settings: ev.settings, secrets: before });
  await checkAddresses(input);
  const sourceChanged =
    stableJson(settings.kktix ?? null) !== stableJson(ev.settings.kktix ?? null) ||
    Boolean(input.kktix?.token) ||
    settings.ticketsEventId !== ev.settings.ticketsEventId;
  if (sourceChanged) await checkSource(deps, actor, input, settings, secrets);
  else if (ev.settings.kktixCheck) settings.kktixCheck = ev.settings.kktixCheck;
  try {
    const [row] = await deps.ctx.database.db
      .update(registrationEvents)
      .set({
        slug: input.slug,
        name: input.name,
        settings,
        secrets: seal(deps.keys, secrets, id),
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
      throw conflict(msg('registration.slug_taken', { slug: input.slug }), { path: 'body.slug' });
    throw err;
  }
}

/** "Test now": tries the saved KKTIX connection again and records the outcome. */
export async function testConnection(deps: RegistrationDeps, actor: User, id: string): Promise<EventRow> {
  const ev = await owned(deps, actor, id);
  if (ev.source !== 'kktix') throw invalidField('source', 'only a KKTIX connection can be tested');
  const settings: RegistrationSettings = { ...ev.settings };
  await checkSource(
    deps,
    actor,
    { slug: ev.slug, name: ev.name, source: 'kktix' },
    settings,
    secretsOf(deps, ev),
  );
  const [row] = await deps.ctx.database.db
    .update(registrationEvents)
    .set({ settings, updatedAt: new Date() })
    .where(eq(registrationEvents.id, id))
    .returning();
  if (settings.kktixCheck?.state === 'ok') await requestSync(deps, id, 'manual');
  return row;
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

/** The addresses the server will fetch, refused with a 400 naming the field when not public. */
function checkAddresses(input: RegistrationEventInput) {
  return checkUrlFields([
    ['body.kktix.baseUrl', input.kktix?.baseUrl],
    ['body.gather.baseUrl', input.gather?.baseUrl],
    ['body.discord.webhookUrl', input.discord?.webhookUrl],
    ['body.bigquery.apiEndpoint', input.bigquery?.apiEndpoint],
  ]);
}
