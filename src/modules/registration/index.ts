import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import type { Tickets } from '../tickets/index.ts';
import { defineActionJob } from './actions/runner.ts';
import { discordRoutes } from './bot.ts';
import { registrationRoutes } from './routes.ts';
import { Registration, type RegistrationOptions } from './service.ts';
import { reservationConsumer } from './sources/tickets.ts';
import { defineSyncJobs } from './sync.ts';

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

/**
 * Wires the registration module: KKTIX polling and webhook, yeyak's own tickets through their
 * events, per-attendee actions (Gather, welcome mail, Discord), the Discord bot and the routes.
 */
export function registrationModule(ctx: Context, tickets: Tickets, opts: RegistrationOptions = {}) {
  const registration = new Registration(ctx, tickets, opts);
  defineSyncJobs(registration.deps);
  defineActionJob(registration.deps);
  return {
    registration,
    consumers: [reservationConsumer(registration.deps)],
    routes(app: App, auth: Auth) {
      registrationRoutes(app, ctx, auth, registration);
      discordRoutes(app, ctx, registration);
    },
  };
}
