import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../schema.ts';

/** Who signs in with which provider account: one row per (provider, subject), owned by one user. */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['kakao', 'naver', 'apple'] }).notNull(),
    /** The provider's stable id: Kakao's number, Naver's response.id, Apple's sub. */
    subject: text('subject').notNull(),
    /** The e-mail the provider gave, when it gave one (Apple's private relay addresses included). */
    email: text('email'),
    /**
     * Whether that address is proven: the provider vouched for it, or the account proved itself when
     * the identity was linked. An unproven one is dropped when someone proves the address another
     * way (forgetUnprovenIdentities), so it cannot keep a door open into that person's account.
     */
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastLoginAt: ts('last_login_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('user_identities_provider_subject_key').on(t.provider, t.subject),
    index('user_identities_user_idx').on(t.userId),
  ],
);

/**
 * One started sign-in, used once: the row's key is a hash of the `state` sent to the provider, and
 * it holds what the callback needs (PKCE verifier, nonce) and what binds the result to the browser
 * that started it (a hash of the binding secret that browser keeps). Rows live 10 minutes.
 */
export const oauthStates = pgTable(
  'oauth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    provider: text('provider', { enum: ['kakao', 'naver', 'apple'] }).notNull(),
    bindingHash: text('binding_hash').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    next: text('next').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('oauth_states_expires_idx').on(t.expiresAt)],
);

/**
 * A provider identity whose e-mail belongs to an existing account: it links only after that account
 * proves itself (its password, or a 6-digit code mailed to it, kept here as a hash; 5 tries, 30 min).
 */
export const oauthPendingLinks = pgTable(
  'oauth_pending_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    bindingHash: text('binding_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['kakao', 'naver', 'apple'] }).notNull(),
    subject: text('subject').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    emailVerified: boolean('email_verified').notNull().default(false),
    next: text('next').notNull(),
    codeHash: text('code_hash'),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('oauth_pending_links_expires_idx').on(t.expiresAt)],
);

/**
 * What a callback hands to the page: a code (hashed here) good once for 60 s, redeemable only with the
 * binding secret of the browser that started the sign-in. It names either a user to log in, or a
 * pending link (an e-mail matching an account that must first prove itself).
 */
export const oauthHandoffs = pgTable(
  'oauth_handoffs',
  {
    codeHash: text('code_hash').primaryKey(),
    bindingHash: text('binding_hash').notNull(),
    provider: text('provider', { enum: ['kakao', 'naver', 'apple'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    linkId: uuid('link_id').references(() => oauthPendingLinks.id, { onDelete: 'cascade' }),
    next: text('next').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('oauth_handoffs_expires_idx').on(t.expiresAt)],
);
