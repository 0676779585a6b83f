import { sql } from 'drizzle-orm';
import { sha256 } from './crypto.ts';
import { type Database, selectRows } from './db.ts';
import { AppError } from './errors.ts';
import { msg } from './messages/index.ts';

/**
 * Attempt limits against guessing (passwords, mailed codes, link codes). Counters live in the
 * database (`rate_limits`, one row per rule and subject with a fixed window), so every server
 * process on one database counts together. A subject found over its limit is also remembered in
 * process until its window ends, so a flood is refused without a query per request.
 */
export type Rule = {
  /** part of the key; also what logs and tests call it */
  name: string;
  /** attempts allowed per window */
  limit: number;
  windowSeconds: number;
};

const MIN = 60;

/** The limits in one place, so the README table and the code cannot drift apart. */
export const RULES = {
  /** failed logins per account (a success gives its attempt back) */
  loginAccount: { name: 'login.account', limit: 10, windowSeconds: 15 * MIN },
  /** failed logins per client address, over all accounts */
  loginAddress: { name: 'login.address', limit: 50, windowSeconds: 15 * MIN },
  /** sign-ups per client address */
  signupAddress: { name: 'signup.address', limit: 20, windowSeconds: 60 * MIN },
  /** mails about one address: sign-up and resend codes, reset codes, withdrawal codes, find-account */
  codeMailAccount: { name: 'code-mail.account', limit: 5, windowSeconds: 30 * MIN },
  /** password-reset and find-account requests per client address (a route limit, by address) */
  accountMailAddress: { name: 'account-mail.address', limit: 20, windowSeconds: 60 * MIN },
  /** profile changes per account (a route limit, by user) */
  profileUser: { name: 'profile.user', limit: 30, windowSeconds: 60 * MIN },
  /** resend requests per client address */
  resendAddress: { name: 'resend.address', limit: 20, windowSeconds: 60 * MIN },
  /** wrong mailed codes per account (every purpose); a new code does not start a new window */
  verifyAccount: { name: 'verify.account', limit: 5, windowSeconds: 30 * MIN },
  /** wrong mailed codes per client address */
  verifyAddress: { name: 'verify.address', limit: 30, windowSeconds: 30 * MIN },
  /** wrong Kakao link codes per KakaoTalk user */
  kakaoLinkUser: { name: 'kakao-link.user', limit: 5, windowSeconds: 15 * MIN },
  /** wrong Kakao link codes over all users (a forged user id per guess gains nothing) */
  kakaoLinkAll: { name: 'kakao-link.all', limit: 200, windowSeconds: 15 * MIN },
  /** social sign-ins started per client address */
  oauthStartAddress: { name: 'oauth-start.address', limit: 60, windowSeconds: 15 * MIN },
  /** link codes mailed per account (a pending social link proving the account) */
  oauthLinkMail: { name: 'oauth-link-mail.account', limit: 5, windowSeconds: 30 * MIN },
  /** wrong passwords or codes per account while linking a social identity, over all pending links */
  oauthLinkAccount: { name: 'oauth-link.account', limit: 10, windowSeconds: 30 * MIN },
  /** image uploads per account (each costs CPU and storage) */
  uploadUser: { name: 'upload.user', limit: 60, windowSeconds: 60 * MIN },
  /** payment orders a user starts (each opens a session at the gateway) */
  paymentOrderUser: { name: 'payment-order.user', limit: 30, windowSeconds: 60 * MIN },
  /** push device registrations per account (the app registers on every start and token refresh) */
  pushDeviceUser: { name: 'push-device.user', limit: 60, windowSeconds: 60 * MIN },
} as const satisfies Record<string, Rule>;

/** The 429 every limit answers: `data.retryAfter` in seconds, sent as Retry-After too. */
function tooManyAttempts(retryAfter: number): AppError {
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  return new AppError(429, msg('ratelimit.too_many_attempts', { minutes }), { retryAfter });
}

export type Verdict = { allowed: boolean; retryAfter: number; hits: number };

const PRUNE_EVERY_MS = 10 * 60_000;

export class RateLimiter {
  /** key → end of its window, for subjects already over their limit */
  private readonly blocked = new Map<string, number>();
  private lastPrune = 0;

  constructor(private readonly database: Database) {}

  /** Subjects (e-mail, address, chat user) are hashed: the table holds no personal data. */
  private key(rule: Rule, subject: string) {
    return `${rule.name}:${sha256(subject.toLowerCase()).slice(0, 32)}`;
  }

  /** Counts one attempt; `allowed` is false once the window holds more than the limit. */
  async hit(rule: Rule, subject: string): Promise<Verdict> {
    const key = this.key(rule, subject);
    const now = Date.now();
    const until = this.blocked.get(key);
    if (until !== undefined) {
      if (until > now) return { allowed: false, retryAfter: Math.ceil((until - now) / 1000), hits: -1 };
      this.blocked.delete(key);
    }
    this.prune(now);
    const [row] = await selectRows<{ hits: number; ends: Date | string }>(
      this.database.db,
      sql`insert into rate_limits (key, hits, window_ends)
          values (${key}, 1, now() + make_interval(secs => ${rule.windowSeconds}))
          on conflict (key) do update set
            hits = case when rate_limits.window_ends <= now() then 1 else rate_limits.hits + 1 end,
            window_ends = case when rate_limits.window_ends <= now()
              then now() + make_interval(secs => ${rule.windowSeconds}) else rate_limits.window_ends end
          returning hits, window_ends as ends`,
    );
    const ends = new Date(row.ends).getTime();
    const retryAfter = Math.max(1, Math.ceil((ends - now) / 1000));
    const hits = Number(row.hits);
    if (hits <= rule.limit) return { allowed: true, retryAfter: 0, hits };
    if (this.blocked.size >= 10_000) this.blocked.clear();
    this.blocked.set(key, ends);
    return { allowed: false, retryAfter, hits };
  }

  /** Counts one attempt and throws the 429 when over the limit. */
  async consume(rule: Rule, subject: string): Promise<void> {
    const v = await this.hit(rule, subject);
    if (!v.allowed) throw tooManyAttempts(v.retryAfter);
  }

  /** Gives an attempt back (it succeeded), so only failures use up the limit. */
  async release(rule: Rule, subject: string): Promise<void> {
    await this.database.db.execute(
      sql`update rate_limits set hits = greatest(hits - 1, 0)
          where key = ${this.key(rule, subject)} and window_ends > now()`,
    );
  }

  /** Drops finished windows now and then; any process may do it. */
  private prune(now: number) {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    void this.database.db.execute(sql`delete from rate_limits where window_ends <= now()`).catch(() => {});
  }
}

const limiters = new WeakMap<Database, RateLimiter>();

/** One limiter per database, so every module shares the in-process fast path. */
export function rateLimiter(database: Database): RateLimiter {
  let l = limiters.get(database);
  if (!l) {
    l = new RateLimiter(database);
    limiters.set(database, l);
  }
  return l;
}
