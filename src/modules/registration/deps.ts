import { eq } from 'drizzle-orm';
import { ownedOr404 } from '../../platform/access.ts';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import type { Tickets } from '../tickets/index.ts';
import { type RegistrationSecrets, type RegistrationSettings, registrationEvents } from './schema.ts';
import { type registrationKeys, unseal } from './seal.ts';
import { createKktixClient } from './sources/kktix.ts';
import type { EventRow } from './views.ts';

/** What every registration use case is given: the app, the tickets module's public API, keys. */
export type RegistrationDeps = {
  ctx: Context;
  tickets: Tickets;
  keys: ReturnType<typeof registrationKeys>;
};

/** The event's saved credentials; a 409 that says what to do when the key they were sealed with changed. */
export function secretsOf(deps: RegistrationDeps, ev: EventRow): RegistrationSecrets {
  if (!ev.secrets) return {};
  try {
    return unseal<RegistrationSecrets>(deps.keys, ev.secrets, ev.id);
  } catch {
    throw new AppError(409, msg('registration.secrets_unreadable', { slug: ev.slug }));
  }
}

export async function eventById(deps: RegistrationDeps, id: string): Promise<EventRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('registration event');
  const [ev] = await deps.ctx.database.db
    .select()
    .from(registrationEvents)
    .where(eq(registrationEvents.id, id));
  if (!ev) throw notFound('registration event');
  return ev;
}

/**
 * The event, if the actor organises it; admins may act on every event. Someone else's event is
 * answered like a missing one, so ids cannot be probed.
 */
export async function owned(deps: RegistrationDeps, actor: User, id: string): Promise<EventRow> {
  return ownedOr404(actor, await eventById(deps, id), (ev) => ev.organizerId, 'registration event');
}

/** A KKTIX client for these settings: checking the connection and syncing use the same pacing. */
export function kktixClient(
  deps: RegistrationDeps,
  settings: RegistrationSettings,
  secrets: RegistrationSecrets,
) {
  return createKktixClient({
    baseUrl: settings.kktix?.baseUrl as string,
    token: secrets.kktixToken as string,
    minIntervalMs: deps.ctx.config.registrationKktixIntervalMs ?? 100,
    concurrency: 2,
    timeoutMs: 15_000,
  });
}
