import { randomInt } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from '../crypto.ts';
import { selectRows } from '../db.ts';
import { AppError, forbidden, invalidField, unauthorized } from '../errors.ts';
import { emit, once } from '../events/outbox.ts';
import type { Consumer } from '../events/types.ts';
import { renderPlatformMail } from '../mail/mailer.ts';
import { forgetUnprovenIdentities } from '../oauth/service.ts';
import { RULES, rateLimiter } from '../ratelimit.ts';
import { sessions, users, verificationCodes } from '../schema.ts';

export type Role = 'user' | 'organizer' | 'admin';
export type User = { id: string; email: string; name: string; role: Role; verified: boolean };

const CODE_MINUTES = 30;
const TOKEN_CACHE_MS = 5_000;

const toUser = (r: typeof users.$inferSelect): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  verified: r.verifiedAt !== null,
});

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

  constructor(private readonly ctx: Context) {
    this.limiter = rateLimiter(ctx.database);
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
        .select({ id: users.id, verifiedAt: users.verifiedAt })
        .from(users)
        .where(sql`lower(${users.email}) = lower(${input.email})`);
      if (existing[0]?.verifiedAt) {
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
    await this.limiter.consume(RULES.verifyAddress, client);
    await this.limiter.consume(RULES.verifyAccount, email);
    const user = await this.ctx
      .tx(async (tx) => {
        const [u] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
        if (!u) throw invalidField('body.code', 'wrong or expired code');
        if (u.verifiedAt) return toUser(u);
        const [c] = await tx.select().from(verificationCodes).where(eq(verificationCodes.userId, u.id));
        if (!c || c.expiresAt < new Date()) {
          throw invalidField('body.code', 'wrong or expired code; ask for a new one');
        }
        if (c.codeHash !== sha256(`${u.id}:${code}`)) {
          await tx
            .update(verificationCodes)
            .set({ attempts: c.attempts + 1 })
            .where(eq(verificationCodes.userId, u.id));
          // Commit the counted attempt, then refuse.
          return null;
        }
        await tx.delete(verificationCodes).where(eq(verificationCodes.userId, u.id));
        const [v] = await tx
          .update(users)
          .set({ verifiedAt: new Date() })
          .where(eq(users.id, u.id))
          .returning();
        return toUser(v);
      })
      .then((u) => {
        if (!u) throw invalidField('body.code', 'wrong or expired code');
        return u;
      });
    // Only wrong codes use up the limits.
    await this.limiter.release(RULES.verifyAccount, email);
    await this.limiter.release(RULES.verifyAddress, client);
    return user;
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
      ? await verifyPassword(password, u.passwordHash)
      : await verifyPassword(password, DUMMY_HASH);
    if (!u || !good) throw unauthorized('wrong e-mail or password');
    await this.limiter.release(RULES.loginAccount, email);
    await this.limiter.release(RULES.loginAddress, client);
    if (u.disabledAt) throw new AppError(403, 'this account is disabled');
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
    if (u.disabledAt) throw new AppError(403, 'this account is disabled');
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
          isNull(users.disabledAt),
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
    if (roles && !roles.includes(user.role)) throw forbidden(`this needs the ${roles.join(' or ')} role`);
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
          returning id, email, name, role, verified_at as "verifiedAt"`,
    );
    return toUser(row);
  }

  /** Forgets cached tokens (after an admin disabled someone; other processes follow within seconds). */
  forgetTokens() {
    this.tokenCache.clear();
  }

  async byId(id: string): Promise<User | undefined> {
    const [u] = await this.ctx.database.db.select().from(users).where(eq(users.id, id));
    return u ? toUser(u) : undefined;
  }

  /**
   * Mails a fresh verification code (the code exists only in the mail and as a hash), or tells the
   * owner of an existing account that someone signed up with their address.
   */
  consumer(): Consumer {
    return {
      name: 'account-mail',
      topics: ['account.verification_requested', 'account.signup_existing'],
      handle: (event) =>
        once(this.ctx.database, 'account-mail', event.id, async () => {
          const userId = String(event.payload.userId);
          const u = await this.byId(userId);
          if (event.topic === 'account.signup_existing') {
            if (!u) return;
            const data = { name: u.name || u.email, url: `${this.ctx.config.publicUrl}/login` };
            await this.ctx.mailer.send({
              to: u.email,
              subject: '[yeyak] 이미 가입된 이메일입니다 / You already have an account',
              html: renderPlatformMail('existing', data, 'yeyak account'),
              text: `이 이메일로 이미 yeyak 계정이 있습니다. 로그인: ${data.url}\nThis e-mail already has a yeyak account. Log in: ${data.url}`,
            });
            return;
          }
          if (!u || u.verified) return;
          const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
          await this.ctx.database.db
            .insert(verificationCodes)
            .values({
              userId,
              codeHash: sha256(`${userId}:${code}`),
              expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000),
            })
            .onConflictDoUpdate({
              target: verificationCodes.userId,
              // `attempts` stays: a new code is no new allowance of guesses.
              set: {
                codeHash: sha256(`${userId}:${code}`),
                expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000),
              },
            });
          const data = { code, minutes: CODE_MINUTES, name: u.name || u.email };
          await this.ctx.mailer.send({
            to: u.email,
            subject: `[yeyak] 인증 코드 ${code} / verification code`,
            html: renderPlatformMail('verify', data, 'yeyak verification code'),
            text: `yeyak 인증 코드 / verification code: ${code} (${CODE_MINUTES}분 / minutes)`,
          });
        }),
    };
  }
}

// scrypt hash of a random password, only for constant-time failure on unknown e-mails.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$2eQXpmIvk3yW7ZAnfJvTMI8wvpLkmJIYkoHm84DO1Yw=';
