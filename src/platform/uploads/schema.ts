import { customType, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** The sizes every upload is turned into (longest side in px, WebP); also the URL's last segment. */
export const VARIANTS = ['128', '512', '1280'] as const;
export type Variant = (typeof VARIANTS)[number];

/** What an upload is for; modules that attach files name one of these. */
export const PURPOSES = ['avatar', 'post', 'profile', 'poster', 'chat'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** An uploaded image: who sent it, what for, and its size after EXIF rotation. */
export const files = pgTable(
  'files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: PURPOSES }).notNull(),
    /** The type found in the upload's bytes (never the name or the client's word). */
    originalMime: text('original_mime').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('files_owner_idx').on(t.ownerId), index('files_created_idx').on(t.createdAt)],
);

/**
 * One WebP per variant. `data` holds the bytes when files live in the database (the default);
 * with UPLOADS_DIR it is null and the bytes are in that folder. `etag` is the bytes' sha256.
 */
export const fileVariants = pgTable(
  'file_variants',
  {
    fileId: uuid('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    variant: text('variant', { enum: VARIANTS }).notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    bytes: integer('bytes').notNull(),
    etag: text('etag').notNull(),
    data: bytea('data'),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.variant] })],
);
