import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from '../crypto.ts';
import { type Db, selectRows, type Tx } from '../db.ts';
import { AppError, forbidden, invalidField, unauthorized } from '../errors.ts';
import { emit, once } from '../events/outbox.ts';
import type { Consumer } from '../events/types.ts';
import { renderPlatformMail } from '../mail/mailer.ts';
import { type Code, msg, type ParamValue, render } from '../messages/index.ts';
import { forgetUnprovenIdentities, identitiesOf } from '../oauth/service.ts';
import { RULES, rateLimiter } from '../ratelimit.ts';
import { type ACCOUNT_STATES, type CodePurpose, type ROLES, sessions, users } from '../schema.ts';
import { CODE_MINUTES, Codes } from './codes.ts';

export type Role = (typeof ROLES)[number];
export type AccountState = (typeof ACCOUNT_STATES)[number];
/** The account as its owner (and the rest of yeyak) sees it; the admin memo is never in it. */
export type User = {
  id: string;
  email: string;
  name: string;
  role: Role;
  verified: boolean;
  state: AccountState;
  nickname: string | null;
  intro: string;
  /** The language mails and notices are written in for this user (Korean when unset). */
  lang?: UserLang;
};
export type UserLang = 'ko' | 'en';
/** How an account can sign in; the OAuth identities join 'password' here. */
export type SignInMethod = 'password' | 'kakao' | 'naver' | 'apple';

/** How long a token's user is cached: a suspended or withdrawn account's tokens stop within this. */
export const TOKEN_CACHE_MS = 5_000;

type UserRow = Pick<
  typeof users.$inferSelect,
  'id' | 'email' | 'name' | 'role' | 'verifiedAt' | 'state' | 'nickname' | 'intro'
> & { lang?: UserLang };

export const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  verified: r.verifiedAt !== null,
  state: r.state,
  nickname: r.nickname,
  intro: r.intro,
  lang: r.lang ?? 'ko',
});

/** A stored password hash that can match some password (withdrawn accounts and OAuth-only ones have none). */
export const hasPassword = (hash: string) => hash.startsWith('scrypt$');

/** Reads the login token: `Bearer <token>`, or a bare token as the original reservation API sends it. */
export function tokenFrom(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  const token = (m ? m[1] : header).trim();
  return token.length > 0 && token.length <= 200 ? token : undefined;
}

export class Auth {
  private readonly limiter;
  readonly codes: Codes;

  constructor(private readonly ctx: Context) {
    this.limiter = rateLimiter(ctx.database);
    this.codes = new Codes(ctx);
  }

  /**
   * How an account signs in, for the find-account mail and the withdrawal check. Only passwords so
   * far; the OAuth identities are added here when that module joins.
   */
  async signInMethodsOf(userId: string): Promise<SignInMethod[]> {
    const [u] = await this.ctx.database.db
      .select({ hash: users.passwordHash })
      .from(users)
      .where(eq(users.id, userId));
    if (!u) return [];
    // Social sign-ins (Kakao, Naver, Apple) linked to the account count as ways in too.
    const social = await identitiesOf(this.ctx.database.db, userId);
    return [...(hasPassword(u.hash) ? (['password'] as const) : []), ...social];
  }

  /**
   * Creates an account (unverified for sign-up) and asks for a verification mail through the outbox.
   * An address that already has an account gets the same answer (and about the same time: the
   * password is hashed either way); its owner gets a mail saying so instead of a code.
   * `client` is the caller's network address, for the per-address limit.
   */
  async signUp(input: { email: string; password: string; name?: string }, client = ''): Promise<void> {
    await this.limiter.consume(RULES.signupAddress, client);
    await this.limiter.consume(RULES.codeMailAccount, input.email);
    const passwordHash = await hashPassword(input.password);
    await this.ctx.tx(async (tx) => {
      const existing = await tx
        .select({ id: users.id, verifiedAt: users.verifiedAt, state: users.state })
        .from(users)
        .where(sql`lower(${users.email}) = lower(${input.email})`);
      if (existing[0] && (existing[0].verifiedAt || existing[0].state !== 'active')) {
        await emit(tx, 'account.signup_existing', { userId: existing[0].id });
        return;
      }
      let row: typeof users.$inferSelect;
      if (existing[0]) {
        // Signing up again before verifying replaces the password and sends a new code; a social
        // sign-in that made this account without proving the address no longer opens it.
        await forgetUnprovenIdentities(tx, existing[0].id);
        [row] = await tx
          .update(users)
          .set({ passwordHash, name: input.name ?? '' })
          .where(eq(users.id, existing[0].id))
          .returning();
      } else {
        [row] = await tx
          .insert(users)
          .values({ email: input.email, name: input.name ?? '', passwordHash, role: 'user' })
          .returning();
      }
      await emit(tx, 'account.verification_requested', { userId: row.id });
    });
  }

  /** Mails a new code. It does not give more guesses: wrong codes count per account over codes. */
  async resendCode(email: string, client = '') {
    await this.limiter.consume(RULES.resendAddress, client);
    // Counted for every address, known or not, so the 429 cannot probe for accounts either.
    await this.limiter.consume(RULES.codeMailAccount, email);
    await this.ctx.tx(async (tx) => {
      const [u] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
      // Same answer whether or not the address exists, so this cannot probe for accounts.
      if (u && !u.verifiedAt) await emit(tx, 'account.verification_requested', { userId: u.id });
    });
  }

  async verify(email: string, code: string, client = ''): Promise<User> {
    const user = await this.checkCode(email, 'signup', code, client, async (tx, u) => {
      const [v] = await tx
        .update(users)
        .set({ verifiedAt: new Date() })
        .where(eq(users.id, u.id))
        .returning();
      return toUser(v);
    });
    return user;
  }

  /**
   * Checks a mailed code of `purpose` for the account at `email` and runs `then` in the same
   * transaction when it is right. Wrong, expired and unknown all answer the same 400 on body.code;
   * wrong guesses count per account and per client address (RULES.verify*), rights give theirs back.
   */
  async checkCode<T>(
    email: string,
    purpose: CodePurpose,
    code: string,
    client: string,
    then: (tx: Tx, u: typeof users.$inferSelect) => Promise<T>,
  ): Promise<T> {
    await this.limiter.consume(RULES.verifyAddress, client);
    await this.limiter.consume(RULES.verifyAccount, email);
    const result = await this.ctx.tx(async (tx) => {
      const [u] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
      if (!u || u.state === 'withdrawn') return { kind: 'missing' as const };
      // Signing up twice verifies nothing new: the second answer is the account as it is.
      if (purpose === 'signup' && u.verifiedAt) return { kind: 'ok' as const, value: toUser(u) as T };
      const check = await this.codes.check(tx, u.id, purpose, code);
      // A wrong guess is committed (counted) before the refusal.
      if (check !== 'ok') return { kind: check };
      return { kind: 'ok' as const, value: await then(tx, u) };
    });
    if (result.kind === 'missing')
      throw invalidField('body.code', 'wrong or expired code; ask for a new one');
    if (result.kind === 'wrong') throw invalidField('body.code', 'wrong or expired code');
    // Only wrong codes use up the limits.
    await this.limiter.release(RULES.verifyAccount, email);
    await this.limiter.release(RULES.verifyAddress, client);
    return result.value as T;
  }

  async login(
    email: string,
    password: string,
    client = '',
  ): Promise<{ token: string; user: User; expiresAt: Date }> {
    // Counted before the check, so parallel guesses cannot all pass a limit that is read first.
    await this.limiter.consume(RULES.loginAddress, client);
    await this.limiter.consume(RULES.loginAccount, email);
    const [u] = await this.ctx.database.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    // Hash anyway when the user is unknown, so timing does not reveal which e-mails exist.
    const good = u
      ? await verifyPassword(password, hasPassword(u.passwordHash) ? u.passwordHash : DUMMY_HASH)
      : await verifyPassword(password, DUMMY_HASH);
    // Only a withdrawn account's tombstone address finds it, and it has no password left.
    if (u?.state === 'withdrawn') throw new AppError(403, 'this account was withdrawn');
    if (!u || !good || !hasPassword(u.passwordHash)) throw unauthorized('wrong e-mail or password');
    await this.limiter.release(RULES.loginAccount, email);
    await this.limiter.release(RULES.loginAddress, client);
    if (u.state === 'suspended') throw new AppError(403, 'this account is suspended: ask an administrator');
    if (!u.verifiedAt) throw new AppError(403, 'e-mail not verified yet: enter the code we mailed you');
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + this.ctx.config.tokenDays * 86_400_000);
    await this.ctx.database.db.insert(sessions).values({ tokenHash: sha256(token), userId: u.id, expiresAt });
    return { token, user: toUser(u), expiresAt };
  }

  /** A login token for an account proven some other way (social login); disabled accounts get none. */
  async createSession(userId: string): Promise<{ token: string; user: User; expiresAt: Date }> {
    const [u] = await this.ctx.database.db.select().from(users).where(eq(users.id, userId));
    if (!u) throw unauthorized('no such account');
    if (u.state === 'suspended') throw new AppError(403, 'this account is suspended: ask an administrator');
    if (u.state !== 'active') throw new AppError(403, 'this account was withdrawn');
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + this.ctx.config.tokenDays * 86_400_000);
    await this.ctx.database.db.insert(sessions).values({ tokenHash: sha256(token), userId: u.id, expiresAt });
    return { token, user: toUser(u), expiresAt };
  }

  async logout(token: string) {
    this.tokenCache.delete(sha256(token));
    await this.ctx.database.db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(eq(sessions.tokenHash, sha256(token)));
  }

  /**
   * Token → user for a few seconds, so a burst of requests costs one lookup. Logout clears it here at
   * once; another process sees a revoked token refused within TOKEN_CACHE_MS.
   */
  private readonly tokenCache = new Map<string, { user: User | undefined; until: number }>();

  async userForToken(token: string): Promise<User | undefined> {
    const key = sha256(token);
    const now = Date.now();
    const hit = this.tokenCache.get(key);
    if (hit && hit.until > now) return hit.user;
    const rows = await this.ctx.database.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, key),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date()),
          eq(users.state, 'active'),
        ),
      );
    const user = rows[0] ? toUser(rows[0].user) : undefined;
    if (this.tokenCache.size >= 10_000) this.tokenCache.clear();
    // Never cache past the token's own expiry.
    const until = Math.min(now + TOKEN_CACHE_MS, rows[0]?.expiresAt.getTime() ?? now + TOKEN_CACHE_MS);
    if (user) this.tokenCache.set(key, { user, until });
    return user;
  }

  private readonly resolved = new WeakMap<FastifyRequest, Promise<User | undefined>>();

  /** The caller, or 401; with roles, 403 unless the caller has one of them. Looked up once per request. */
  async require(req: FastifyRequest, roles?: readonly Role[]): Promise<User> {
    const token = tokenFrom(req);
    if (!token) throw unauthorized();
    let pending = this.resolved.get(req);
    if (!pending) {
      pending = this.userForToken(token);
      this.resolved.set(req, pending);
    }
    const user = await pending;
    if (!user) throw unauthorized('login expired or token invalid: log in again');
    if (roles && !roles.includes(user.role))
      throw forbidden(msg('auth.needs_role', { roles: roles.join(' or ') }));
    return user;
  }

  /** A route hook that checks login (and roles) before the body is validated, so 401/403 come first. */
  guard(roles?: readonly Role[]) {
    return async (req: FastifyRequest) => {
      await this.require(req, roles);
    };
  }

  async optional(req: FastifyRequest): Promise<User | undefined> {
    const token = tokenFrom(req);
    return token ? this.userForToken(token) : undefined;
  }

  /** For the CLI and demo data: a verified account with a role, or the role and password updated. */
  async addUser(input: { email: string; password: string; role: Role; name?: string }): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    // The unique key is on lower(email), which drizzle's onConflict cannot name.
    const [row] = await selectRows<typeof users.$inferSelect>(
      this.ctx.database.db,
      sql`insert into users (email, name, password_hash, role, verified_at)
          values (${input.email}, ${input.name ?? ''}, ${passwordHash}, ${input.role}, now())
          on conflict (lower(email)) do update
            set role = excluded.role, password_hash = excluded.password_hash,
                verified_at = coalesce(users.verified_at, now())
          returning id, email, name, role, verified_at as "verifiedAt", state, nickname, intro`,
    );
    return toUser(row);
  }

  /** Revokes every session of an account; this process forgets its cached tokens at once. */
  async revokeSessions(userId: string, tx: Tx | Db = this.ctx.database.db): Promise<number> {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ tokenHash: sessions.tokenHash });
    this.forgetTokens();
    return rows.length;
  }

  /** Forgets cached tokens (after an admin suspended someone; other processes follow within TOKEN_CACHE_MS). */
  forgetTokens() {
    this.tokenCache.clear();
  }

  async byId(id: string): Promise<User | undefined> {
    const [u] = await this.ctx.database.db.select().from(users).where(eq(users.id, id));
    return u ? toUser(u) : undefined;
  }

  /**
   * Mails a fresh code (the code exists only in the mail and as a hash), or tells the owner of an
   * existing account that someone signed up with their address.
   */
  consumer(): Consumer {
    return {
      name: 'account-mail',
      topics: ['account.verification_requested', 'account.code_requested', 'account.signup_existing'],
      handle: (event) =>
        once(this.ctx.database, 'account-mail', event.id, async () => {
          const userId = String(event.payload.userId);
          const u = await this.byId(userId);
          if (!u || u.state === 'withdrawn') return;
          if (event.topic === 'account.signup_existing') {
            // In the account's language: the address has an account, so its reader is known.
            const lang = u.lang === 'en' ? 'en' : 'ko';
            const t = (key: Code, params?: Record<string, ParamValue>) => render(key, params, lang);
            const url = `${this.ctx.config.publicUrl}/login`;
            await this.ctx.mailer.send({
              to: u.email,
              subject: t('auth.mail_existing_subject'),
              html: renderPlatformMail(
                'existing',
                {
                  url,
                  lang,
                  t: {
                    hello: t('auth.mail_hello', { name: u.name || u.email }),
                    line: t('auth.mail_existing_line'),
                    login: t('auth.mail_login'),
                    ignore: t('auth.mail_ignore'),
                  },
                },
                'yeyak account',
              ),
              text: `${t('auth.mail_existing_line')} ${url}`,
            });
            return;
          }
          const purpose = (event.payload.purpose ?? 'signup') as CodePurpose;
          if (purpose === 'signup' && u.verified) return;
          const code = await this.codes.issue(userId, purpose);
          const words = CODE_MAIL[purpose === 'withdraw' ? 'withdraw' : 'reset'];
          const name = u.name || u.nickname || u.email;
          // In the user's language: English, or Korean (its subject keeps the English words after).
          const en = u.lang === 'en';
          // The mail's words from the catalog, in that language: the templates hold none.
          const lang = en ? 'en' : 'ko';
          const t = (key: Code, params?: Record<string, ParamValue>) => render(key, params, lang);
          if (purpose === 'signup') {
            await this.ctx.mailer.send({
              to: u.email,
              subject: en
                ? `[yeyak] verification code ${code}`
                : `[yeyak] 인증 코드 ${code} / verification code`,
              html: renderPlatformMail(
                'verify',
                {
                  code,
                  lang,
                  t: {
                    hello: t('auth.mail_hello', { name }),
                    line: t('auth.mail_verify_line'),
                    within: t('auth.mail_within', { minutes: CODE_MINUTES }),
                  },
                },
                'yeyak verification code',
              ),
              text: en
                ? `yeyak verification code: ${code} (${CODE_MINUTES} minutes)`
                : `yeyak 인증 코드: ${code} (${CODE_MINUTES}분)`,
            });
            return;
          }
          await this.ctx.mailer.send({
            to: u.email,
            subject: en ? `[yeyak] ${words.en} ${code}` : `[yeyak] ${words.ko} ${code} / ${words.en}`,
            html: renderPlatformMail(
              'code',
              {
                code,
                lang,
                t: {
                  hello: t('auth.mail_hello', { name }),
                  line: t(purpose === 'withdraw' ? 'auth.mail_withdraw_line' : 'auth.mail_reset_line'),
                  within: t('auth.mail_within', { minutes: CODE_MINUTES }),
                  ignore: t('auth.mail_ignore'),
                },
              },
              `yeyak ${words.en}`,
            ),
            text: en
              ? `yeyak ${words.en}: ${code} (${CODE_MINUTES} minutes)`
              : `yeyak ${words.ko}: ${code} (${CODE_MINUTES}분)`,
          });
        }),
    };
  }
}

/** Subject words per purpose. */
const CODE_MAIL = {
  reset: {
    ko: '비밀번호 재설정 코드',
    en: 'password reset code',
  },
  withdraw: {
    ko: '회원 탈퇴 확인 코드',
    en: 'account deletion code',
  },
} as const;

// scrypt hash of a random password, only for constant-time failure on unknown e-mails.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$2eQXpmIvk3yW7ZAnfJvTMI8wvpLkmJIYkoHm84DO1Yw=';
