import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** A timestamptz column read as a Date; every module's schema uses it. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const ROLES = ['user', 'organizer', 'counselor', 'admin'] as const;
export const ACCOUNT_STATES = ['active', 'suspended', 'withdrawn'] as const;
/** What a mailed code is for; one live code per account and purpose. */
export const CODE_PURPOSES = ['signup', 'reset', 'find-account', 'withdraw'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('user'),
    verifiedAt: ts('verified_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /**
     * active logs in; suspended (by an admin) cannot, and its sessions are revoked; withdrawn (by the
     * owner) is a tombstone: personal fields cleared, the id kept for the rows other modules hold.
     */
    state: text('state', { enum: ACCOUNT_STATES }).notNull().default('active'),
    /** Shown to others instead of the e-mail; unique case-insensitively (null: none chosen). */
    nickname: text('nickname'),
    intro: text('intro').notNull().default(''),
    /** Admins' own note on the account: only the admin API reads or writes it. */
    adminMemo: text('admin_memo').notNull().default(''),
    /** The language the user reads mails and notices in (the web's switch sets it too). */
    lang: text('lang', { enum: ['ko', 'en'] })
      .notNull()
      .default('ko'),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_nickname_key').on(sql`lower(${t.nickname})`),
    index('users_state_idx').on(t.state),
  ],
);

/** Login tokens: only a SHA-256 of the token is stored, so a database leak gives no usable token. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Mailed six-digit codes, hashed; a new code for the same account and purpose replaces the old. */
export const verificationCodes = pgTable(
  'verification_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: CODE_PURPOSES }).notNull().default('signup'),
    codeHash: text('code_hash').notNull(),
    /** wrong guesses at this code; at CODE_TRIES it is spent */
    attempts: integer('attempts').notNull().default(0),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.purpose] })],
);

/** Transactional outbox: written in the same transaction as the change it announces. */
export const outbox = pgTable(
  'outbox',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique().defaultRandom(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    publishedAt: ts('published_at'),
  },
  (t) => [index('outbox_unpublished_idx').on(t.seq).where(sql`${t.publishedAt} is null`)],
);

/** Which consumer has handled which event: makes at-least-once delivery act once. */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id').notNull(),
    status: text('status', { enum: ['claimed', 'done', 'failed', 'dead'] }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    lastError: text('last_error'),
    claimedAt: ts('claimed_at').notNull().defaultNow(),
    doneAt: ts('done_at'),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

/** The built-in mailbox: every mail sent without SMTP_URL is kept here as raw MIME. */
export const mailboxMessages = pgTable(
  'mailbox_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id').notNull(),
    from: text('from').notNull(),
    to: text('to').array().notNull(),
    subject: text('subject').notNull(),
    raw: bytea('raw').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('mailbox_created_idx').on(t.createdAt)],
);

/** Attempt counters of src/platform/ratelimit.ts: one fixed window per rule and hashed subject. */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    windowEnds: ts('window_ends').notNull(),
  },
  (t) => [index('rate_limits_window_ends_idx').on(t.windowEnds)],
);

/**
 * Where a user wants to hear from yeyak (src/platform/notify). Webhook URLs are secrets (whoever has
 * one can post as the user's channel): sealed, never returned.
 */
export const notifySettings = pgTable('notify_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  email: boolean('email').notNull().default(true),
  discordWebhook: text('discord_webhook'),
  slackWebhook: text('slack_webhook'),
  telegramChatId: text('telegram_chat_id'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
