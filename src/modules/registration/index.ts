import { defineModule, requireApi } from '../../platform/module.ts';
import { actionJob } from './actions/runner.ts';
import { discordRoutes } from './bot.ts';
import { registerRegistrationCommands } from './cli.ts';
import { registrationConfig } from './config.ts';
import { registrationRoutes } from './routes.ts';
import { Registration } from './service.ts';
import { reservationConsumer } from './sources/tickets.ts';
import { syncJobs } from './sync.ts';

export type { RegistrationEventInput } from './settings.ts';
export type {
  RegistrationActionCount,
  RegistrationAttendeeView,
  RegistrationAuditView,
  RegistrationBigQueryLoad,
  RegistrationBigQueryTarget,
  RegistrationEventDetail,
  RegistrationEventView,
  RegistrationExportColumns,
  RegistrationSales,
  RegistrationSyncRunView,
  RegistrationTicketStatus,
} from './views.ts';
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
    return {
      api,
      jobs: [...syncJobs(api.deps), actionJob(api.deps)],
      consumers: [reservationConsumer(api.deps)],
      routes(app, auth) {
        registrationRoutes(app, ctx, auth, api);
        discordRoutes(app, ctx, api);
      },
    };
  },
});
