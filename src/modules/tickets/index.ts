import type { Consumer } from '../../platform/events/types.ts';
import { defineModule, type JobSpec } from '../../platform/module.ts';
import { ticketsConfig } from './config.ts';
import { seedTicketsDemo } from './demo.ts';
import { ticketMailConsumer } from './mail.ts';
import { originalReservationRoutes } from './original.ts';
import { ticketRoutes } from './routes.ts';
import { Tickets } from './service.ts';

export type { EventInput, EventView, HoldView, ReservationView, WaitlistView } from './service.ts';
export { Tickets };

declare module '../../platform/module.ts' {
  interface ModuleApis {
    tickets: Tickets;
  }
}

/** The tickets module: catalogue, holds, reservations, check-in, waiting list, sales, ticket mails. */
export const tickets = defineModule({
  name: 'tickets',
  migrations: { folder: 'tickets', adoptIfTable: 'ticket_events' },
  config: ticketsConfig,
  // The database refuses to sell past a type's quota (ticket_types_capacity): a race lost, not a fault.
  constraints: { ticket_types_capacity: { status: 409, message: 'sold out: not enough tickets left' } },
  create(ctx) {
    const api = new Tickets(ctx);

    const jobs: JobSpec<never>[] = [
      // Each hold gets a job at its expiry time; the minute sweep catches any that slipped through.
      {
        name: 'tickets.expire-hold',
        handler: async ({ holdId }: { holdId: string }) => {
          await api.expireHold(holdId);
        },
      },
      {
        name: 'tickets.sweep-holds',
        handler: async () => {
          await api.expireDueHolds();
        },
        options: { cron: '* * * * *', retryLimit: 0 },
      },
    ];

    const holdExpiry: Consumer = {
      name: 'hold-expiry',
      topics: ['hold.created'],
      handle: async (event) => {
        // The job id is the hold id, so a redelivered event schedules nothing new.
        await ctx.jobs.boss.sendAfter(
          'tickets.expire-hold',
          { holdId: event.payload.holdId },
          { id: String(event.payload.holdId) },
          new Date(String(event.payload.expiresAt)),
        );
      },
    };

    return {
      api,
      jobs,
      consumers: [ticketMailConsumer(ctx, api), holdExpiry],
      routes(app, auth) {
        ticketRoutes(app, ctx, auth, api);
        originalReservationRoutes(app, auth, api);
      },
      demo: (people) => seedTicketsDemo(ctx, api, people),
    };
  },
});
