import { eq, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { hashPassword, verifyPassword } from '../crypto.ts';
import { sqlState, type Tx } from '../db.ts';
import { conflict, invalidField } from '../errors.ts';
import { emit, once } from '../events/outbox.ts';
import type { Consumer } from '../events/types.ts';
import { renderPlatformMail } from '../mail/mailer.ts';
import { type Code, type ParamValue, render } from '../messages/index.ts';
import { userIdentities } from '../oauth/schema.ts';
import { pushDevices } from '../push/schema.ts';
import { RULES, rateLimiter } from '../ratelimit.ts';
import { notifySettings, users, verificationCodes } from '../schema.ts';
import { type Auth, hasPassword, toUser, type User } from './service.ts';

/** Bounds of the profile fields (the routes' schemas use the same numbers). */
export const NICKNAME = { min: 2, max: 20 } as const;
export const INTRO_MAX = 500;
/** What a withdrawn account's password hash is: no scrypt hash, so no password matches it. */
const NO_PASSWORD = '!withdrawn';

/**
 * What an account's owner does to it: the profile (nickname, intro), a forgotten password (reset by
 * mailed code), a forgotten address (find-account mail) and withdrawal.
 */
export class Accounts {
  private readonly limiter;

  constructor(
    private readonly ctx: Context,
    private readonly auth: Auth,
  ) {
    this.limiter = rateLimiter(ctx.database);
  }

  /** Changes nickname, intro and language; a taken nickname (any letter case) is a 409 on body.nickname. */
  async updateProfile(
    user: User,
    change: { nickname?: string | null; intro?: string; lang?: User['lang'] },
  ): Promise<User> {
    const set: Partial<typeof users.$inferInsert> = {};
    if (change.lang !== undefined) set.lang = change.lang;
    if (change.nickname !== undefined) set.nickname = change.nickname;
    if (change.intro !== undefined) set.intro = change.intro;
    if (Object.keys(set).length === 0) return user;
    try {
      const [row] = await this.ctx.database.db
        .update(users)
        .set(set)
        .where(eq(users.id, user.id))
        .returning();
      this.auth.forgetTokens();
      return toUser(row);
    } catch (err) {
      // The unique index on lower(nickname) decides, so two people racing for one name cannot both win.
      if (sqlState(err) === '23505') throw nicknameTaken();
      throw err;
    }
  }

  /**
   * Mails a reset code when an active account has this address. The same answer (and the same
   * counting) either way, so it cannot probe for accounts.
   */
  async requestReset(email: string) {
    await this.limiter.consume(RULES.codeMailAccount, email);
    await this.ctx.tx(async (tx) => {
      const [u] = await tx
        .select({ id: users.id, state: users.state })
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`);
      if (u?.state === 'active') await emit(tx, 'account.code_requested', { userId: u.id, purpose: 'reset' });
    });
  }

  /** Code + new password: the password is replaced and every session of the account ends. */
  async reset(email: string, code: string, password: string, client: string) {
    const passwordHash = await hashPassword(password);
    const revoked = await this.auth.checkCode(email, 'reset', code, client, async (tx, u) => {
      if (u.state !== 'active') throw invalidField('body.code', 'wrong or expired code; ask for a new one');
      // The code came to the address, so the address is proven too.
      await tx
        .update(users)
        .set({ passwordHash, verifiedAt: u.verifiedAt ?? new Date() })
        .where(eq(users.id, u.id));
      return this.auth.revokeSessions(u.id, tx);
    });
    // Once committed; the rollback of a failed transaction must not leave a forgotten cache either.
    this.auth.forgetTokens();
    return { revokedSessions: revoked };
  }

  /** Mails the address whether an account exists there and how it signs in; the same answer either way. */
  async findAccount(email: string, lang?: 'ko' | 'en') {
    await this.limiter.consume(RULES.codeMailAccount, email);
    await this.ctx.tx(async (tx) => {
      await emit(tx, 'account.find_requested', lang ? { email, lang } : { email });
    });
  }

  /** Mails a withdrawal code to the logged-in account (for accounts without a password). */
  async requestWithdrawCode(user: User) {
    await this.limiter.consume(RULES.codeMailAccount, user.email);
    await this.ctx.tx(async (tx) => {
      await emit(tx, 'account.code_requested', { userId: user.id, purpose: 'withdraw' });
    });
  }

  /**
   * Withdrawal, confirmed by the password (or, without one, a mailed code). The row stays as a
   * tombstone under the same id, so tickets, orders and logs other modules keep still point at it;
   * everything personal goes, and the address is free for a new sign-up.
   */
  async withdraw(user: User, proof: { password?: string; code?: string }, client: string) {
    const [row] = await this.ctx.database.db.select().from(users).where(eq(users.id, user.id));
    const scrub = async (tx: Tx) => {
      await tx
        .update(users)
        .set({
          email: `withdrawn+${user.id}@invalid`,
          name: '',
          nickname: null,
          intro: '',
          adminMemo: '',
          passwordHash: NO_PASSWORD,
          state: 'withdrawn',
        })
        .where(eq(users.id, user.id));
      await tx.delete(verificationCodes).where(eq(verificationCodes.userId, user.id));
      // Webhook URLs and chat ids are personal too; the defaults apply to a row that is gone.
      await tx.delete(notifySettings).where(eq(notifySettings.userId, user.id));
      // So are social sign-ins (the same Kakao/Naver/Apple account may sign up afresh) and devices.
      await tx.delete(userIdentities).where(eq(userIdentities.userId, user.id));
      await tx.delete(pushDevices).where(eq(pushDevices.userId, user.id));
      await this.auth.revokeSessions(user.id, tx);
    };
    if (hasPassword(row.passwordHash)) {
      if (!proof.password) throw invalidField('body.password', 'required: enter your password');
      // Wrong passwords count like failed logins, so this is no way around that limit.
      await this.limiter.consume(RULES.loginAccount, row.email);
      if (!(await verifyPassword(proof.password, row.passwordHash)))
        throw invalidField('body.password', 'wrong password');
      await this.limiter.release(RULES.loginAccount, row.email);
      await this.ctx.tx(scrub);
    } else {
      if (!proof.code) throw invalidField('body.code', 'required: enter the code we mailed you');
      await this.auth.checkCode(row.email, 'withdraw', proof.code, client, (tx) => scrub(tx));
    }
    this.auth.forgetTokens();
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'accounts',
      message: 'an account withdrew',
      data: { userId: user.id },
      actorId: user.id,
    });
  }

  /** Sends the find-account answer: the mail is the only place that says whether an account exists. */
  consumer(): Consumer {
    return {
      name: 'account-find-mail',
      topics: ['account.find_requested'],
      handle: (event) =>
        once(this.ctx.database, 'account-find-mail', event.id, async () => {
          const email = String(event.payload.email);
          const [u] = await this.ctx.database.db
            .select({ id: users.id, state: users.state, lang: users.lang })
            .from(users)
            .where(sql`lower(${users.email}) = lower(${email})`);
          const exists = u !== undefined && u.state !== 'withdrawn';
          const methods = exists ? await this.auth.signInMethodsOf(u.id) : [];
          // The account's language; for an address without one, the page's the lookup was asked on.
          const lang = (exists ? u.lang : event.payload.lang) === 'en' ? 'en' : 'ko';
          const t = (key: Code, params?: Record<string, ParamValue>) => render(key, params, lang);
          const base = this.ctx.config.publicUrl;
          const said = exists
            ? t('auth.mail_find_exists', {
                email,
                methods: methods.map((m) => t(`auth.method.${m}`)).join(', ') || t('auth.method.none'),
              })
            : t('auth.mail_find_none', { email });
          const data = {
            exists,
            lang,
            loginUrl: `${base}/login`,
            resetUrl: `${base}/forgot-password`,
            signupUrl: `${base}/signup`,
            t: {
              exists: said,
              none: said,
              reset: t('auth.mail_find_reset'),
              login: t('auth.mail_login'),
              signup: t('auth.mail_signup'),
              ignore: t('auth.mail_ignore'),
            },
          };
          await this.ctx.mailer.send({
            to: email,
            subject: t('auth.mail_find_subject'),
            html: renderPlatformMail('find-account', data, 'yeyak account lookup'),
            text: `${said} ${exists ? data.loginUrl : data.signupUrl}`,
          });
        }),
    };
  }
}

export const nicknameTaken = () =>
  conflict('this nickname is taken', {
    path: 'body.nickname',
    errors: [{ path: 'body.nickname', message: 'this nickname is taken' }],
  });
