import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Consumer } from '../../platform/events/types.ts';
import type { App } from '../../platform/http/app.ts';
import { ticketMailConsumer } from './mail.ts';
import { originalReservationRoutes } from './original.ts';
import { ticketRoutes } from './routes.ts';
import { Tickets } from './service.ts';

export type { EventInput, EventView, HoldView, ReservationView, WaitlistView } from './service.ts';
export { Tickets };

/** Wires the tickets module: its service, event consumers, jobs and routes. */
export function ticketsModule(ctx: Context) {
  const tickets = new Tickets(ctx);

  // Each hold gets a job at its expiry time; the minute sweep catches any that slipped through.
  ctx.jobs.define<{ holdId: string }>('tickets.expire-hold', async ({ holdId }) => {
    await tickets.expireHold(holdId);
  });
  ctx.jobs.define(
    'tickets.sweep-holds',
    async () => {
      await tickets.expireDueHolds();
    },
    { cron: '* * * * *', retryLimit: 0 },
  );

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

  const consumers: Consumer[] = [ticketMailConsumer(ctx, tickets), holdExpiry];
  return {
    tickets,
    consumers,
    routes(app: App, auth: Auth) {
      ticketRoutes(app, ctx, auth, tickets);
      originalReservationRoutes(app, auth, tickets);
    },
  };
}
