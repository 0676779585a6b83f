import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { once } from '../../platform/events/outbox.ts';
import type { Consumer } from '../../platform/events/types.ts';
import type { App } from '../../platform/http/app.ts';
import type { Tickets } from '../tickets/index.ts';
import { discordRoutes } from './bot.ts';
import { registrationRoutes } from './routes.ts';
import type { ActionKind } from './schema.ts';
import {
  ACTION_JOB,
  Registration,
  type RegistrationOptions,
  SYNC_JOB,
  type SyncTrigger,
  TICK_JOB,
} from './service.ts';

export { Registration };

/**
 * Wires the registration module: KKTIX polling and webhook, yeyak's own tickets through their
 * events, per-attendee actions (Gather, welcome mail, Discord), the Discord bot and the routes.
 */
export function registrationModule(ctx: Context, tickets: Tickets, opts: RegistrationOptions = {}) {
  const registration = new Registration(ctx, tickets, opts);

  ctx.jobs.define<{ eventId: string; trigger: SyncTrigger; due?: string }>(
    SYNC_JOB,
    async (data) => {
      await registration.syncJob(data);
    },
    { retryLimit: 3, retryDelay: 5, retryBackoff: true },
  );
  ctx.jobs.define<{ eventId: string; externalId: string; action: ActionKind }>(
    ACTION_JOB,
    async (data) => {
      await registration.runAction(data);
    },
    { retryLimit: 5, retryDelay: 1, retryBackoff: true },
  );
  ctx.jobs.define(
    TICK_JOB,
    async () => {
      await registration.tick();
    },
    { cron: '* * * * *', retryLimit: 0 },
  );

  const fromTickets: Consumer = {
    name: 'registration-tickets',
    topics: ['reservation.confirmed', 'reservation.cancelled'],
    handle: (event) =>
      once(ctx.database, 'registration-tickets', event.id, () =>
        registration.onReservation(event.topic, event.payload),
      ),
  };

  return {
    registration,
    consumers: [fromTickets],
    routes(app: App, auth: Auth) {
      registrationRoutes(app, ctx, auth, registration);
      discordRoutes(app, ctx, registration);
    },
  };
}
