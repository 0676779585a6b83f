import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

/**
 * Settings an admin changes while yeyak runs (runtime_settings): one row per key that differs
 * from its declared default, with who changed it and when. Secret values are sealed.
 */
export const runtimeSettings = pgTable('runtime_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
