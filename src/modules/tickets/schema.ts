import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../../platform/schema.ts';

export const events = pgTable(
  'ticket_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull(),
    title: text('title').notNull(),
    posterUrl: text('poster_url'),
    venue: text('venue'),
    description: text('description'),
    timezone: text('timezone').notNull().default('Asia/Seoul'),
    organizerId: uuid('organizer_id')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ticket_events_code_key').on(sql`upper(${t.code})`)],
);

export const showtimes = pgTable(
  'ticket_showtimes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    startsAt: ts('starts_at').notNull(),
  },
  (t) => [index('ticket_showtimes_event_idx').on(t.eventId, t.startsAt)],
);

/** Capacity lives in counters on this row; the check constraint is the last line against overselling. */
export const ticketTypes = pgTable(
  'ticket_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    showtimeId: uuid('showtime_id')
      .notNull()
      .references(() => showtimes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    price: integer('price').notNull(),
    quota: integer('quota').notNull(),
    sold: integer('sold').notNull().default(0),
    held: integer('held').notNull().default(0),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('ticket_types_showtime_idx').on(t.showtimeId),
    check(
      'ticket_types_capacity',
      sql`${t.sold} >= 0 and ${t.held} >= 0 and ${t.sold} + ${t.held} <= ${t.quota}`,
    ),
    check('ticket_types_price', sql`${t.price} >= 0`),
  ],
);

export const holds = pgTable(
  'ticket_holds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketTypeId: uuid('ticket_type_id')
      .notNull()
      .references(() => ticketTypes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    quantity: integer('quantity').notNull(),
    status: text('status', { enum: ['held', 'confirmed', 'expired', 'released'] })
      .notNull()
      .default('held'),
    expiresAt: ts('expires_at').notNull(),
    reservationId: integer('reservation_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('ticket_holds_live_idx').on(t.expiresAt).where(sql`${t.status} = 'held'`),
    index('ticket_holds_user_idx').on(t.userId),
  ],
);

const reservationColumns = () => ({
  ticketTypeId: uuid('ticket_type_id').notNull(),
  userId: uuid('user_id').notNull(),
  email: text('email').notNull(),
  quantity: integer('quantity').notNull(),
  unitPrice: integer('unit_price').notNull(),
  totalPrice: integer('total_price').notNull(),
  source: text('source', { enum: ['web', 'api', 'waitlist'] }).notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  checkedInAt: ts('checked_in_at'),
  checkedInBy: uuid('checked_in_by'),
});

/** Live reservations. Cancelling deletes the row; a trigger keeps it in ticket_cancelled_reservations. */
export const reservations = pgTable(
  'ticket_reservations',
  {
    id: serial('id').primaryKey(),
    ...reservationColumns(),
  },
  (t) => [
    index('ticket_reservations_user_idx').on(t.userId),
    index('ticket_reservations_type_idx').on(t.ticketTypeId),
  ],
);

export const cancelledReservations = pgTable(
  'ticket_cancelled_reservations',
  {
    id: integer('id').primaryKey(),
    ...reservationColumns(),
    cancelledAt: ts('cancelled_at').notNull().defaultNow(),
  },
  (t) => [
    index('ticket_cancelled_user_idx').on(t.userId),
    index('ticket_cancelled_type_idx').on(t.ticketTypeId),
  ],
);

export const waitlistEntries = pgTable(
  'ticket_waitlist_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketTypeId: uuid('ticket_type_id')
      .notNull()
      .references(() => ticketTypes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    email: text('email').notNull(),
    quantity: integer('quantity').notNull(),
    status: text('status', { enum: ['waiting', 'offered', 'accepted', 'expired', 'left'] })
      .notNull()
      .default('waiting'),
    holdId: uuid('hold_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
    offeredAt: ts('offered_at'),
  },
  (t) => [
    index('ticket_waitlist_queue_idx').on(t.ticketTypeId, t.createdAt).where(sql`${t.status} = 'waiting'`),
    index('ticket_waitlist_user_idx').on(t.userId),
  ],
);
