import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

/**
 * In-app notifications: what the bell in the web counts and the notifications page lists. `link` is
 * a path in this site (`/rail/reservations`), checked before a row is written.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('notifications_user_created_idx').on(t.userId, t.createdAt)],
);
