import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from '../../platform/schema.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A user's login at an operator. `secret` is the AES-256-GCM sealed JSON of the credentials
 * (the platform Sealer); it never leaves the server and is never logged.
 */
export const railAccounts = pgTable(
  'rail_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['srt', 'korail'] }).notNull(),
    /** The login id with most of it masked, for display. */
    loginHint: text('login_hint').notNull(),
    secret: text('secret').notNull(),
    memberNo: text('member_no'),
    memberName: text('member_name'),
    status: text('status', { enum: ['ok', 'bad-credentials', 'blocked'] })
      .notNull()
      .default('ok'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('rail_accounts_user_provider_key').on(t.userId, t.provider)],
);

/** One train with seats, but too few for the watch's party (see railWatches.shortage). */
export type SeatShortage = {
  trainNo: string;
  /** Seats left in the best class the policy allows; null where the operator gives no number (SRT). */
  seatsLeft: number | null;
  /** What the shared poll's answer showed for the train when it was last checked. */
  seen: string;
  /** Epoch ms of the last check with the operator (a party-size search or a reserve). */
  checkedAt: number;
  /** Checks so far while `seen` stayed the same: each one waits twice as long. */
  checks: number;
};

/** A standing order: keep trying to reserve a train (or any train in a window) until it works. */
export const railWatches = pgTable(
  'rail_watches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => railAccounts.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['srt', 'korail'] }).notNull(),
    /** provider|fromCode|toCode|date: watches with the same key share one poll. */
    searchKey: text('search_key').notNull(),
    fromStation: text('from_station').notNull(),
    toStation: text('to_station').notNull(),
    date: text('date').notNull(),
    /** HHmmss window (inclusive start, inclusive end) of departure times. */
    timeFrom: text('time_from').notNull(),
    timeTo: text('time_to').notNull(),
    trainNo: text('train_no'),
    /**
     * Several named trains (the first is also `trainNo`): the watch takes whichever has seats first;
     * when more than one has seats in the same poll, the one listed first. Null: one train or a window.
     */
    trainNos: jsonb('train_nos').$type<string[]>(),
    /**
     * Not polled before this instant (no search, no budget): a date past the booking window waits for
     * the operator's opening (07:00 KST, D-30 SRT / D-31 Korail), or the user set a later start.
     */
    startAt: ts('start_at'),
    /** The operator's opening of sales for `date`, when the watch was made before it. */
    opensAt: ts('opens_at'),
    /** Korail: forward (순방향) or backward (역방향) facing seats; SRT takes no direction. */
    seatDirection: text('seat_direction').notNull().default('any'),
    /** Train families to consider (KTX, ITX…); null: every family the operator sells. */
    trainTypes: jsonb('train_types').$type<string[]>(),
    passengers: jsonb('passengers').notNull().$type<Record<string, number>>(),
    seatPolicy: text('seat_policy').notNull().default('general-first'),
    seatPosition: text('seat_position').notNull().default('any'),
    selection: text('selection', { enum: ['earliest', 'latest', 'random'] })
      .notNull()
      .default('earliest'),
    standby: boolean('standby').notNull().default(false),
    notify: jsonb('notify').notNull().$type<string[]>().default(sql`'["email"]'::jsonb`),
    /** Stop trying after this instant (default: the last candidate train's cut-off). */
    deadline: ts('deadline'),
    /** Stop trying a train this many minutes before it leaves. */
    stopBeforeMinutes: integer('stop_before_minutes').notNull().default(10),
    status: text('status', { enum: ['waiting', 'trying', 'reserved', 'failed', 'stopped'] })
      .notNull()
      .default('waiting'),
    attempts: integer('attempts').notNull().default(0),
    lastResult: text('last_result'),
    lastPollAt: ts('last_poll_at'),
    failReason: text('fail_reason'),
    /** Set while a reserve call is in flight at the operator: the claim that makes holds exclusive. */
    reservingSince: ts('reserving_since'),
    reservingTrain: text('reserving_train'),
    /**
     * Trains that showed seats, but fewer than the party: what the last poll knew about each, so a
     * watch does not reserve (or re-check) a train that cannot seat everyone until its seats change.
     */
    shortage: jsonb('shortage').$type<SeatShortage[]>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('rail_watches_active_idx')
      .on(t.searchKey, t.createdAt)
      .where(sql`${t.status} in ('waiting', 'trying')`),
    index('rail_watches_user_idx').on(t.userId, t.createdAt),
    check('rail_watches_window', sql`${t.timeFrom} <= ${t.timeTo}`),
  ],
);

/** Seats held at an operator through yeyak. At most one per watch (the unique index). */
export const railReservations = pgTable(
  'rail_reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id').references(() => railAccounts.id, { onDelete: 'set null' }),
    watchId: uuid('watch_id').references(() => railWatches.id, { onDelete: 'set null' }),
    provider: text('provider', { enum: ['srt', 'korail'] }).notNull(),
    pnr: text('pnr').notNull(),
    /**
     * 0, or 1, 2… when the operator gave out a number we already hold a row for: a reset stand-in
     * operator starts counting again, so the number alone does not name one hold.
     */
    pnrRun: integer('pnr_run').notNull().default(0),
    trainNo: text('train_no').notNull(),
    trainType: text('train_type').notNull(),
    date: text('date').notNull(),
    fromStation: text('from_station').notNull(),
    toStation: text('to_station').notNull(),
    departure: text('departure').notNull(),
    arrival: text('arrival').notNull(),
    seatClass: text('seat_class'),
    seats: jsonb('seats')
      .notNull()
      .$type<{ car: string; seat: string; seatClass: string; price?: number }[]>(),
    seatCount: integer('seat_count').notNull(),
    totalPrice: integer('total_price').notNull(),
    paymentDeadline: ts('payment_deadline'),
    standby: boolean('standby').notNull().default(false),
    /** Whether a party's seats sit together (one car, adjacent rows); null for one seat or no seats. */
    together: boolean('together'),
    /** When the payment reminder went out (once per hold). */
    remindedAt: ts('reminded_at'),
    status: text('status', { enum: ['held', 'cancelled', 'paid', 'expired'] })
      .notNull()
      .default('held'),
    createdAt: ts('created_at').notNull().defaultNow(),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [
    uniqueIndex('rail_reservations_watch_key').on(t.watchId),
    uniqueIndex('rail_reservations_pnr_key').on(t.provider, t.pnr, t.pnrRun),
    index('rail_reservations_user_idx').on(t.userId, t.createdAt),
  ],
);

// A user's channel settings live in the platform (notify_settings); drizzle/rail/0005 moved them there.

/** KakaoTalk users (per-bot `botUserKey`) linked to yeyak accounts through a one-time code. */
export const railKakaoLinks = pgTable(
  'rail_kakao_links',
  {
    botUserKey: text('bot_user_key').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    linkedAt: ts('linked_at').notNull().defaultNow(),
  },
  (t) => [index('rail_kakao_links_user_idx').on(t.userId)],
);

/** Link codes shown on the web, typed into the chat ("연결 123456"); only a hash is kept. */
export const railKakaoCodes = pgTable('rail_kakao_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
});

/** Telegram private chats linked to yeyak accounts through `/start <code>` (one chat per account). */
export const railTelegramLinks = pgTable('rail_telegram_links', {
  chatId: text('chat_id').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  linkedAt: ts('linked_at').notNull().defaultNow(),
});

/** Telegram link codes (the deep link's `start` parameter); only a hash is kept. */
export const railTelegramCodes = pgTable('rail_telegram_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
});

/**
 * Telegram updates already taken (webhook retries, a long poll answered twice, two workers): an
 * update is handled by whoever inserts its id first. Rows older than a day are dropped.
 */
export const railTelegramUpdates = pgTable(
  'rail_telegram_updates',
  {
    updateId: bigint('update_id', { mode: 'number' }).primaryKey(),
    takenAt: ts('taken_at').notNull().defaultNow(),
  },
  (t) => [index('rail_telegram_updates_taken_idx').on(t.takenAt)],
);

/**
 * The last answer of each route and date's search (a watch's shared poll or a direct search):
 * `조회` in KakaoTalk answers from it while it is young, and a watch on a named train finds the
 * train here instead of asking the operator again. `time`/`until` are the window the search asked
 * for (`until` null: to the end of the day); `trains` are the operator's rows as the adapter gave them.
 */
export const railSeenSearches = pgTable('rail_seen_searches', {
  key: text('key').primaryKey(),
  time: text('time').notNull(),
  until: text('until'),
  trains: jsonb('trains').notNull().$type<unknown[]>(),
  seenAt: ts('seen_at').notNull(),
});

/**
 * Request slots shared by every yeyak process on one database: `egress:<id>:<provider>` paces all
 * requests leaving one address for one operator, `account:<uuid>` one operator login. `next_at` is
 * the earliest time the next request may go; a block pauses the key until `blocked_until`.
 */
export const railPacing = pgTable('rail_pacing', {
  key: text('key').primaryKey(),
  nextAt: ts('next_at').notNull(),
  blockedUntil: ts('blocked_until'),
  blockedReason: text('blocked_reason'),
});

/**
 * yeyak processes that run rail polls, with a heartbeat: a poll job left active by a process that
 * died (kill -9) is failed at once instead of blocking its search until pg-boss expires it.
 */
export const railRuns = pgTable('rail_runs', {
  id: uuid('id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  seenAt: ts('seen_at').notNull().defaultNow(),
});

/** Which process runs each active rail.poll job (the pg-boss job id). */
export const railPollJobs = pgTable('rail_poll_jobs', {
  jobId: uuid('job_id').primaryKey(),
  runId: uuid('run_id').notNull(),
  startedAt: ts('started_at').notNull().defaultNow(),
});
