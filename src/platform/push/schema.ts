import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

/**
 * Where push messages go: an FCM registration token (the Flutter app) or a Web Push subscription
 * (a browser; `address` is its endpoint, with its `p256dh` and `auth` keys). One row per token or
 * endpoint: registering it again moves it to whoever registers it now (a shared phone).
 */
export const pushDevices = pgTable(
  'push_devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['fcm', 'webpush'] }).notNull(),
    /** the FCM token, or the Web Push endpoint */
    address: text('address').notNull().unique('push_devices_address_key'),
    p256dh: text('p256dh'),
    auth: text('auth'),
    /** what the user sees in their list ("Android", "Chrome on Windows"); their own words */
    label: text('label').notNull().default(''),
    /** the login session that registered it (sha256 of its token): logging out removes the device */
    sessionHash: text('session_hash'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('push_devices_user_idx').on(t.userId), index('push_devices_session_idx').on(t.sessionHash)],
);

/**
 * A user's consents, each with the moment it was last given or withdrawn (null: never asked).
 * `night` (marketing between 21:00 and 08:00 KST) means nothing without `marketing`.
 */
export const pushConsents = pgTable('push_consents', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  push: boolean('push').notNull().default(false),
  pushAt: ts('push_at'),
  marketing: boolean('marketing').notNull().default(false),
  marketingAt: ts('marketing_at'),
  night: boolean('night').notNull().default(false),
  nightAt: ts('night_at'),
});
