import { once } from '../../platform/events/outbox.ts';
import type { Consumer } from '../../platform/events/types.ts';
import { defineModule, requireApi } from '../../platform/module.ts';
import { discordRoutes } from './bot.ts';
import { registerRegistrationCommands } from './cli.ts';
import { registrationConfig } from './config.ts';
import { registrationRoutes } from './routes.ts';
import type { ActionKind } from './schema.ts';
import { ACTION_JOB, Registration, SYNC_JOB, type SyncTrigger, TICK_JOB } from './service.ts';

export { Registration };

declare module '../../platform/module.ts' {
  interface ModuleApis {
    registration: Registration;
  }
}

/**
 * The registration module: KKTIX polling and webhook, yeyak's own tickets through their events,
 * per-attendee actions (Gather, welcome mail, Discord), the Discord bot and the routes.
 */
export const registration = defineModule({
  name: 'registration',
  migrations: { folder: 'registration' },
  config: registrationConfig,
  cli: registerRegistrationCommands,
  create(ctx, apis) {
    const api = new Registration(ctx, requireApi(apis, 'tickets'));

    const fromTickets: Consumer = {
      name: 'registration-tickets',
      topics: ['reservation.confirmed', 'reservation.cancelled'],
      handle: (event) =>
        once(ctx.database, 'registration-tickets', event.id, () =>
          api.onReservation(event.topic, event.payload),
        ),
    };

    return {
      api,
      jobs: [
        {
          name: SYNC_JOB,
          handler: async (data: { eventId: string; trigger: SyncTrigger; due?: string }) => {
            await api.syncJob(data);
          },
          options: { retryLimit: 3, retryDelay: 5, retryBackoff: true },
        },
        {
          name: ACTION_JOB,
          handler: async (data: { eventId: string; externalId: string; action: ActionKind }) => {
            await api.runAction(data);
          },
          options: { retryLimit: 5, retryDelay: 1, retryBackoff: true },
        },
        {
          name: TICK_JOB,
          handler: async () => {
            await api.tick();
          },
          options: { cron: '* * * * *', retryLimit: 0 },
        },
      ],
      consumers: [fromTickets],
      routes(app, auth) {
        registrationRoutes(app, ctx, auth, api);
        discordRoutes(app, ctx, api);
      },
    };
  },
});
