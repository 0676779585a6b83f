import { sql } from 'drizzle-orm';
import { selectRows } from '../../platform/db.ts';
import { defineModule } from '../../platform/module.ts';
import { ticketsConfig } from './config.ts';
import { seedTicketsDemo } from './demo.ts';
import { holdExpiredConsumer } from './expired-notice.ts';
import { holdExpiryConsumer, holdJobs } from './holds.ts';
import { ticketMailConsumer } from './mail.ts';
import { originalReservationRoutes } from './original.ts';
import { ticketRoutes } from './routes.ts';
import { Tickets } from './service.ts';
import { ticketSettings } from './settings.ts';

export type { TicketPayloads, TicketTopic } from './events.ts';
export { payloadOf as ticketPayloadOf, TOPICS as TICKET_TOPICS } from './events.ts';

import { TOPIC_ALIASES } from './events.ts';

export type {
  EventView,
  HoldView,
  MyHoldView,
  ShowtimeView,
  TicketEventInput,
  TicketReservationView,
  TicketTypeView,
  WaitlistView,
} from './service.ts';
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
  topicAliases: TOPIC_ALIASES,
  settings: ticketSettings,
  // The database refuses to sell past a type's quota (ticket_types_capacity): a race lost, not a fault.
  constraints: { ticket_types_capacity: { status: 409, message: 'sold out: not enough tickets left' } },
  create(ctx) {
    const api = new Tickets(ctx);
    return {
      api,
      jobs: holdJobs(api.deps),
      consumers: [ticketMailConsumer(ctx, api), holdExpiryConsumer(ctx), holdExpiredConsumer(ctx)],
      routes(app, auth) {
        ticketRoutes(app, ctx, auth, api);
        originalReservationRoutes(app, auth, api);
      },
      demo: (people) => seedTicketsDemo(ctx, api, people),
      // A poster uploaded through /api/files is kept by its URL in poster_url.
      referencedFiles: async () => {
        const rows = await selectRows<{ poster_url: string }>(
          ctx.database.db,
          sql`select poster_url from ticket_events where poster_url like '%/api/files/%'`,
        );
        return rows.flatMap((r) => {
          const id = /\/api\/files\/([0-9a-f-]{36})(?:\/|$)/.exec(r.poster_url)?.[1];
          return id ? [id] : [];
        });
      },
    };
  },
});
