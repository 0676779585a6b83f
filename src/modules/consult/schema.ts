import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ts, users } from '../../platform/schema.ts';

// The consultation marketplace's tables. Points themselves live in the platform ledger (a paid wallet
// and a bonus wallet per user, a payable per counselor); these tables say what the points were for.

/** What a counselor offers. `market` (fortune market) is reserved for later and refused for now. */
export const SERVICES = ['phone', 'chat', 'visit', 'cafe'] as const;
export type Service = (typeof SERVICES)[number];

export const APPLICATION_STATES = ['new', 'accepted', 'rejected'] as const;
export const COUNSELOR_STATES = ['active', 'hidden', 'suspended'] as const;
/** The 060 line's word on a counselor. */
export const LINE_STATUSES = ['online', 'offline', 'busy'] as const;
export const REQUEST_STATES = [
  'pending',
  'paid',
  'declined',
  'withdrawn',
  'expired',
  'completed',
  'refunded',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];
export const CALL_STATES = ['open', 'started', 'ended', 'voided'] as const;
export const PURCHASE_STATES = ['pending', 'credited', 'failed', 'refunded'] as const;
export const PUSH_SEGMENTS = ['everyone', 'users', 'counselors', 'marketing'] as const;

/** "Apply as a counselor": kept and mailed to the admins; an admin accepts or rejects it. */
export const consultApplications = pgTable(
  'consult_applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The applicant's account when they were signed in. */
    userId: uuid('user_id').references(() => users.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone').notNull(),
    categories: jsonb('categories').$type<string[]>().notNull().default([]),
    services: jsonb('services').$type<Service[]>().notNull().default([]),
    intro: text('intro').notNull().default(''),
    career: text('career').notNull().default(''),
    state: text('state', { enum: APPLICATION_STATES }).notNull().default('new'),
    createdAt: ts('created_at').notNull().defaultNow(),
    decidedAt: ts('decided_at'),
  },
  (t) => [index('consult_applications_email_idx').on(sql`lower(${t.email})`)],
);

/**
 * A counselor as the 060 service knows them (code, name, grade, rate), synced, and linked to the yeyak
 * account that acts as them. The profile fields are theirs to edit; weight, state and memo are the admins'.
 */
export const consultCounselors = pgTable(
  'consult_counselors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The 060 service's counselor code (3 digits on real lines). */
    code: text('code').notNull(),
    name: text('name').notNull(),
    grade: text('grade').notNull().default(''),
    /** Points per 30 seconds on the phone. */
    ratePer30s: integer('rate_per_30s').notNull(),
    lineStatus: text('line_status', { enum: LINE_STATUSES }).notNull().default('offline'),
    /** Set when the last sync did not list them any more. */
    goneAt: ts('gone_at'),
    syncedAt: ts('synced_at').notNull().defaultNow(),
    userId: uuid('user_id').references(() => users.id),
    state: text('state', { enum: COUNSELOR_STATES }).notNull().default('active'),
    searchWeight: integer('search_weight').notNull().default(0),
    /** Settlement details and admins' notes: only the admin API reads or writes it. */
    memo: text('memo').notNull().default(''),
    contact: text('contact').notNull().default(''),
    address: text('address').notNull().default(''),
    categories: jsonb('categories').$type<string[]>().notNull().default([]),
    services: jsonb('services').$type<Service[]>().notNull().default([]),
    /** yeyak sets them online at the 060 service while they use the app, offline otherwise. */
    autoOnline: boolean('auto_online').notNull().default(true),
    imageFileId: uuid('image_file_id'),
    intro: text('intro').notNull().default(''),
    detail: text('detail').notNull().default(''),
    likeCount: integer('like_count').notNull().default(0),
    reviewCount: integer('review_count').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    /** The counselor's last request to yeyak (auto-online reads it). */
    lastSeenAt: ts('last_seen_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('consult_counselors_code_key').on(t.code),
    uniqueIndex('consult_counselors_user_key').on(t.userId),
    index('consult_counselors_rank_idx').on(t.state, t.searchWeight),
    check('consult_counselors_rate', sql`${t.ratePer30s} > 0`),
    check('consult_counselors_counts', sql`${t.likeCount} >= 0 and ${t.reviewCount} >= 0`),
  ],
);

/** What a counselor sells: phone (price per 30 s), chat, visit or café meeting (price per session). */
export const consultItems = pgTable(
  'consult_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    kind: text('kind', { enum: SERVICES }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    price: integer('price').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('consult_items_counselor_idx').on(t.counselorId),
    check('consult_items_price', sql`${t.price} > 0`),
  ],
);

/** Point packages in the shop: pay `price` won, get `points` paid points and `bonus` bonus points. */
export const consultPointItems = pgTable(
  'consult_point_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    price: integer('price').notNull(),
    points: integer('points').notNull(),
    bonus: integer('bonus').notNull().default(0),
    active: boolean('active').notNull().default(true),
    position: integer('position').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [check('consult_point_items_amounts', sql`${t.price} > 0 and ${t.points} > 0 and ${t.bonus} >= 0`)],
);

/** One purchase of a point item, tied to its payment order; credited once, refunded at most once. */
export const consultPurchases = pgTable(
  'consult_purchases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    pointItemId: uuid('point_item_id')
      .notNull()
      .references(() => consultPointItems.id),
    orderId: uuid('order_id'),
    name: text('name').notNull(),
    price: integer('price').notNull(),
    points: integer('points').notNull(),
    bonus: integer('bonus').notNull(),
    state: text('state', { enum: PURCHASE_STATES }).notNull().default('pending'),
    /** The paid points taken back on refund (never more than were left unspent). */
    refundedPoints: integer('refunded_points').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    creditedAt: ts('credited_at'),
    refundedAt: ts('refunded_at'),
  },
  (t) => [
    uniqueIndex('consult_purchases_order_key').on(t.orderId),
    index('consult_purchases_user_idx').on(t.userId, t.createdAt),
  ],
);

/** A user's marketplace profile beside the platform account: the phone they call from, their picture. */
export const consultProfiles = pgTable('consult_profiles', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  phone: text('phone'),
  imageFileId: uuid('image_file_id'),
  /** When the sign-up bonus was given (once per account). */
  bonusAt: ts('bonus_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** A chat: user↔counselor (one per pair) or user↔admins (the user's inquiries, one per user). */
export const consultRooms = pgTable(
  'consult_rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['counselor', 'inquiry'] }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    counselorId: uuid('counselor_id').references(() => consultCounselors.id),
    /** Who blocked the other side (the room then takes no messages). */
    blockedBy: uuid('blocked_by'),
    lastMessageId: bigint('last_message_id', { mode: 'number' }).notNull().default(0),
    lastMessageAt: ts('last_message_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('consult_rooms_pair_key').on(t.userId, t.counselorId).where(sql`${t.kind} = 'counselor'`),
    uniqueIndex('consult_rooms_inquiry_key').on(t.userId).where(sql`${t.kind} = 'inquiry'`),
    index('consult_rooms_counselor_idx').on(t.counselorId),
    check('consult_rooms_kind', sql`(${t.kind} = 'counselor') = (${t.counselorId} is not null)`),
  ],
);

/** Chat messages, append-only; the id is the poll cursor. */
export const consultMessages = pgTable(
  'consult_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => consultRooms.id),
    /** null: a system line. */
    senderId: uuid('sender_id'),
    kind: text('kind', { enum: ['text', 'image', 'request', 'system'] }).notNull(),
    body: text('body').notNull().default(''),
    fileId: uuid('file_id'),
    requestId: uuid('request_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('consult_messages_room_idx').on(t.roomId, t.id),
    check('consult_messages_body_length', sql`char_length(${t.body}) <= 2000`),
  ],
);

/**
 * Each chat member's change counter: every message to a room they are in, and each of their read marks,
 * bumps it, so an idle poll is one primary-key read compared with the client's ETag.
 */
export const consultChatVersions = pgTable('consult_chat_versions', {
  userId: uuid('user_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
});

/** How far a member has read a room. */
export const consultReads = pgTable(
  'consult_reads',
  {
    roomId: uuid('room_id')
      .notNull()
      .references(() => consultRooms.id),
    userId: uuid('user_id').notNull(),
    lastReadId: bigint('last_read_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);

export const consultReports = pgTable(
  'consult_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => consultRooms.id),
    messageId: bigint('message_id', { mode: 'number' }),
    reporterId: uuid('reporter_id').notNull(),
    reason: text('reason').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
  },
  (t) => [index('consult_reports_room_idx').on(t.roomId)],
);

/**
 * A counselor's payment request in a chat. Paying places ledger holds (bonus points first, then paid);
 * completion posts them to the counselor, a refund before completion voids them.
 */
export const consultRequests = pgTable(
  'consult_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => consultRooms.id),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    itemId: uuid('item_id')
      .notNull()
      .references(() => consultItems.id),
    kind: text('kind', { enum: SERVICES }).notNull(),
    title: text('title').notNull(),
    price: integer('price').notNull(),
    note: text('note').notNull().default(''),
    appointmentAt: ts('appointment_at'),
    state: text('state', { enum: REQUEST_STATES }).notNull().default('pending'),
    /** The ledger holds placed at payment (one per wallet drawn from). */
    holdIds: jsonb('hold_ids').$type<string[]>().notNull().default([]),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    paidAt: ts('paid_at'),
    closedAt: ts('closed_at'),
    remindedAt: ts('reminded_at'),
  },
  (t) => [
    index('consult_requests_room_idx').on(t.roomId),
    index('consult_requests_user_idx').on(t.userId, t.state),
    index('consult_requests_counselor_idx').on(t.counselorId, t.state),
    index('consult_requests_due_idx').on(t.state, t.expiresAt),
    check('consult_requests_price', sql`${t.price} > 0`),
  ],
);

/** A phone consultation bought over the 060 line: held points, time charged at 060, billed by call.ended. */
export const consultCalls = pgTable(
  'consult_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    phone: text('phone').notNull(),
    ratePer30s: integer('rate_per_30s').notNull(),
    held: integer('held').notNull(),
    holdIds: jsonb('hold_ids').$type<string[]>().notNull().default([]),
    /** Seconds charged to the caller's line at 060 (whole 30 s units the hold covers). */
    secondsBought: integer('seconds_bought').notNull(),
    ticketId: text('ticket_id'),
    dialNumber: text('dial_number'),
    state: text('state', { enum: CALL_STATES }).notNull().default('open'),
    /** The 060 service's call id; unique, so call.ended bills once. */
    callId: text('call_id'),
    billedSeconds: integer('billed_seconds'),
    charged: integer('charged'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    /** No call by then: the hold is voided. */
    expiresAt: ts('expires_at').notNull(),
    /** Prepaid seconds 060 refused to take back (e.g. the line was in a call): the minute sweep tries again. */
    returnSeconds: integer('return_seconds').notNull().default(0),
  },
  (t) => [
    uniqueIndex('consult_calls_call_key').on(t.callId),
    index('consult_calls_user_idx').on(t.userId, t.createdAt),
    index('consult_calls_open_idx').on(t.state, t.expiresAt),
    index('consult_calls_return_idx').on(t.id).where(sql`${t.returnSeconds} > 0`),
  ],
);

export const consultPosts = pgTable(
  'consult_posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    /** Admins' notices show on the home page. */
    notice: boolean('notice').notNull().default(false),
    title: text('title').notNull(),
    body: text('body').notNull(),
    imageFileIds: jsonb('image_file_ids').$type<string[]>().notNull().default([]),
    commentCount: integer('comment_count').notNull().default(0),
    hiddenAt: ts('hidden_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('consult_posts_list_idx').on(t.createdAt)],
);

export const consultComments = pgTable(
  'consult_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    postId: uuid('post_id')
      .notNull()
      .references(() => consultPosts.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    hiddenAt: ts('hidden_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('consult_comments_post_idx').on(t.postId, t.createdAt)],
);

/** One review per completed request, within 30 days; the counselor may reply once. */
export const consultReviews = pgTable(
  'consult_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => consultRequests.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    stars: integer('stars').notNull(),
    body: text('body').notNull(),
    reply: text('reply'),
    repliedAt: ts('replied_at'),
    hiddenAt: ts('hidden_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('consult_reviews_request_key').on(t.requestId),
    index('consult_reviews_counselor_idx').on(t.counselorId, t.createdAt),
    check('consult_reviews_stars', sql`${t.stars} between 1 and 5`),
  ],
);

export const consultBookmarks = pgTable(
  'consult_bookmarks',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.counselorId] })],
);

export const consultLikes = pgTable(
  'consult_likes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    counselorId: uuid('counselor_id')
      .notNull()
      .references(() => consultCounselors.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.counselorId] })],
);

/** Admins' push campaigns, with what came of them. */
export const consultPushSends = pgTable('consult_push_sends', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  link: text('link'),
  segment: text('segment', { enum: PUSH_SEGMENTS }).notNull(),
  test: boolean('test').notNull().default(false),
  sentBy: uuid('sent_by').notNull(),
  targets: integer('targets').notNull().default(0),
  delivered: integer('delivered').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** A stored Payletter/060 event id seen once (replays of call webhooks answer as duplicates). */
export const consultCallEvents = pgTable('consult_call_events', {
  key: text('key').primaryKey(),
  createdAt: ts('created_at').notNull().defaultNow(),
});
