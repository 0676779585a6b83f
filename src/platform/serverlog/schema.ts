import { type SQL, sql } from 'drizzle-orm';
import { bigserial, customType, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * What admins need to see of the server's own troubles and of account changes: 5xx answers, failed
 * jobs, dead-lettered events, admin actions, refused signatures. Searched with the `simple` text
 * configuration (no extension, so PGlite has it too); kept 90 days.
 */
export const serverLog = pgTable(
  'server_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    level: text('level', { enum: ['info', 'warn', 'error'] }).notNull(),
    source: text('source').notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    requestId: text('request_id'),
    search: tsvector('search').generatedAlwaysAs(
      (): SQL =>
        sql`to_tsvector('simple'::regconfig, coalesce(${serverLog.message}, '') || ' ' || coalesce(${serverLog.source}, ''))`,
    ),
  },
  (t) => [
    index('server_log_search_idx').using('gin', t.search),
    index('server_log_at_idx').on(t.at),
    index('server_log_source_idx').on(t.source, t.id),
  ],
);
