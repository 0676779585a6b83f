import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { Consumer } from '../../platform/events/types.ts';
import type { App } from '../../platform/http/app.ts';
import { defineHoldJobs, holdExpiryConsumer } from './holds.ts';
import { ticketMailConsumer } from './mail.ts';
import { originalReservationRoutes } from './original.ts';
import { ticketRoutes } from './routes.ts';
import { Tickets } from './service.ts';

export type { TicketPayloads, TicketTopic } from './events.ts';
export { TOPICS as TICKET_TOPICS } from './events.ts';
export type {
  EventView,
  HoldView,
  TicketEventInput,
  TicketReservationView,
  WaitlistView,
} from './service.ts';
export { Tickets };

/** Wires the tickets module: its service, event consumers, jobs and routes. */
export function ticketsModule(ctx: Context) {
  const tickets = new Tickets(ctx);
  defineHoldJobs(tickets.deps);
  const consumers: Consumer[] = [ticketMailConsumer(ctx, tickets), holdExpiryConsumer(ctx)];
  return {
    tickets,
    consumers,
    routes(app: App, auth: Auth) {
      ticketRoutes(app, ctx, auth, tickets);
      originalReservationRoutes(app, auth, tickets);
    },
  };
}
