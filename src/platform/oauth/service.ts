import { and, eq, gt, lt, sql } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { randomToken, sha256 } from '../crypto.ts';
import type { Executor } from '../db.ts';
import { notFound } from '../errors.ts';
import { msg } from '../messages/index.ts';
import { RULES, rateLimiter } from '../ratelimit.ts';
import { users } from '../schema.ts';
import type { Provider } from './config.ts';
import { appleName, exchange, OAuthRefused, type Profile } from './exchange.ts';
import { OAuthClients } from './providers.ts';
import { oauthHandoffs, oauthPendingLinks, oauthStates, userIdentities } from './schema.ts';

export const STATE_MINUTES = 10;
export const HANDOFF_SECONDS = 60;
export const LINK_MINUTES = 30;
/** A password that matches nothing: accounts made by social login log in only that way (or after a reset). */
export const UNUSABLE_PASSWORD = '!social-login';

/** Where the web app picks up a finished sign-in. */
export const HANDOFF_PAGE = '/login/oauth';

const PROVIDER_NAMES: Record<Provider, string> = { kakao: 'Kakao', naver: 'Naver', apple: 'Apple' };
export const providerName = (p: Provider) => PROVIDER_NAMES[p];

/** A path in this site to return to after signing in (never another origin). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) && next.length <= 500 ? next : '/';
}

export type LoginAnswer = {
  token: string;
  user: Awaited<ReturnType<Auth['createSession']>>['user'];
  expiresAt: Date;
};

/**
 * Social sign-in. The flow never relies on a cookie (Apple's callback is a cross-site form POST,
 * which carries no SameSite=Lax cookie): `start` stores a single-use state row holding a hash of a
 * binding secret that the page keeps in sessionStorage; the callback trades the code, checks the
 * identity and stores a 60-second handoff code under the same binding hash; the page redeems it
 * with the secret. A code that reaches another browser is useless there.
 */
export class OAuth {
  readonly clients: OAuthClients;
  private readonly limiter;

  constructor(
    private readonly ctx: Context,
    private readonly auth: Auth,
    opts: { now?: () => number } = {},
  ) {
    this.clients = new OAuthClients(ctx, opts);
    this.limiter = rateLimiter(ctx.database);
  }

  redirectUri(provider: Provider): string {
    return `${this.ctx.config.publicUrl.replace(/\/+$/, '')}/api/auth/oauth/${provider}/callback`;
  }

  private client(provider: Provider) {
    const c = this.clients.get(provider);
    if (!c) throw notFound(`sign-in with ${providerName(provider)}`);
    return c;
  }

  /** A refused callback or handoff: a server-log row (no secrets), then the 4xx. */
  async refuse(err: OAuthRefused, provider: Provider | undefined, requestId?: string): Promise<never> {
    await this.ctx.serverLog.write({
      level: 'warn',
      source: 'oauth',
      message: `${provider ? `${providerName(provider)} ` : ''}sign-in refused (${err.reason}): ${err.message}`,
      data: { provider: provider ?? null, reason: err.reason },
      requestId,
    });
    throw err;
  }

  async start(provider: Provider, next: string | undefined, client: string) {
    const c = this.client(provider);
    await this.limiter.consume(RULES.oauthStartAddress, client);
    const state = oidc.randomState();
    const binding = randomToken(32);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const db = this.ctx.database.db;
    // Finished windows go as new ones start: no job needed for these short-lived rows.
    await db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date()));
    await db.insert(oauthStates).values({
      stateHash: sha256(state),
      provider,
      bindingHash: sha256(binding),
      codeVerifier: verifier,
      nonce,
      next: safeNext(next),
      expiresAt: new Date(Date.now() + STATE_MINUTES * 60_000),
    });
    const params: Record<string, string> = {
      redirect_uri: this.redirectUri(provider),
      response_type: 'code',
      state,
    };
    if (c.scope) params.scope = c.scope;
    if (c.idToken) params.nonce = nonce;
    if (c.pkce) {
      params.code_challenge = await oidc.calculatePKCECodeChallenge(verifier);
      params.code_challenge_method = 'S256';
    }
    if (c.formPost) params.response_mode = 'form_post';
    const url = oidc.buildAuthorizationUrl(c.config, params).href;
    return { url, binding };
  }

  /**
   * The provider sent the browser back. Answers the handoff code for the page, or throws
   * OAuthRefused (consent denied, bad state, bad code, bad id_token) after logging it.
   */
  async callback(
    provider: Provider,
    q: { code?: string; state?: string; error?: string; user?: string },
    requestId?: string,
  ): Promise<{ handoff: string }> {
    const c = this.client(provider);
    const row = q.state ? await this.takeState(provider, q.state) : undefined;
    if (q.error) {
      // Apple names a cancelled sign-in user_cancelled_authorize; Kakao and Naver say access_denied.
      const denied = q.error === 'access_denied' || q.error === 'user_cancelled_authorize';
      const reason = denied ? 'access_denied' : 'provider_error';
      const err = new OAuthRefused(
        400,
        reason,
        msg('oauth.provider_error', { provider, error: q.error.slice(0, 60) }),
      );
      if (denied) throw err;
      return this.refuse(err, provider, requestId);
    }
    if (!row) {
      return this.refuse(
        new OAuthRefused(400, 'state', msg('oauth.state'), 'query.state'),
        provider,
        requestId,
      );
    }
    if (!q.code) {
      return this.refuse(
        new OAuthRefused(400, 'code', msg('oauth.code_missing'), 'query.code'),
        provider,
        requestId,
      );
    }
    let profile: Profile;
    try {
      const got = await exchange(c, {
        redirectUri: this.redirectUri(provider),
        code: q.code,
        state: q.state ?? '',
        verifier: row.codeVerifier,
        nonce: row.nonce,
      });
      profile = {
        ...got.profile,
        name: got.profile.name ?? (provider === 'apple' ? appleName(q.user) : '') ?? '',
      };
    } catch (err) {
      if (err instanceof OAuthRefused) return this.refuse(err, provider, requestId);
      throw err;
    }
    return { handoff: await this.settle(profile, row) };
  }

  /** Takes the state row (once): hashed key, this provider, not expired. */
  private async takeState(provider: Provider, state: string) {
    const [row] = await this.ctx.database.db
      .delete(oauthStates)
      .where(
        and(
          eq(oauthStates.stateHash, sha256(state)),
          eq(oauthStates.provider, provider),
          gt(oauthStates.expiresAt, new Date()),
        ),
      )
      .returning();
    return row;
  }

  /**
   * Known identity: that user. Unknown identity whose e-mail belongs to an account: a pending link
   * (nothing links until the account proves itself). Otherwise a new account.
   */
  private async settle(p: Profile, st: typeof oauthStates.$inferSelect): Promise<string> {
    const code = randomToken(32);
    const handoff = {
      codeHash: sha256(code),
      bindingHash: st.bindingHash,
      provider: p.provider,
      next: st.next,
      expiresAt: new Date(Date.now() + HANDOFF_SECONDS * 1000),
    };
    await this.ctx.tx(async (tx) => {
      await tx.delete(oauthHandoffs).where(lt(oauthHandoffs.expiresAt, new Date()));
      const [known] = await tx
        .update(userIdentities)
        .set({ lastLoginAt: new Date() })
        .where(and(eq(userIdentities.provider, p.provider), eq(userIdentities.subject, p.subject)))
        .returning({ userId: userIdentities.userId });
      if (known) {
        await tx.insert(oauthHandoffs).values({ ...handoff, userId: known.userId });
        return;
      }
      const owner = p.email ? await accountByEmail(tx, p.email) : undefined;
      if (owner) {
        await tx.delete(oauthPendingLinks).where(lt(oauthPendingLinks.expiresAt, new Date()));
        const [link] = await tx
          .insert(oauthPendingLinks)
          .values({
            bindingHash: st.bindingHash,
            userId: owner.id,
            provider: p.provider,
            subject: p.subject,
            email: p.email ?? '',
            name: p.name.slice(0, 100),
            emailVerified: p.emailVerified,
            next: st.next,
            expiresAt: new Date(Date.now() + LINK_MINUTES * 60_000),
          })
          .returning({ id: oauthPendingLinks.id });
        await tx.insert(oauthHandoffs).values({ ...handoff, linkId: link.id });
        return;
      }
      const [u] = await tx
        .insert(users)
        .values({
          // Kakao without a business app and some Apple sign-ins give no address: a placeholder that
          // can never receive mail (.invalid) keeps the e-mail column unique and honest.
          email:
            p.email ?? `${p.provider}-${sha256(p.subject).slice(0, 16).toLowerCase()}@social.yeyak.invalid`,
          name: p.name.slice(0, 100),
          passwordHash: UNUSABLE_PASSWORD,
          role: 'user',
          verifiedAt: p.email && p.emailVerified ? new Date() : null,
        })
        .returning({ id: users.id });
      const made = await tx
        .insert(userIdentities)
        .values({
          userId: u.id,
          provider: p.provider,
          subject: p.subject,
          email: p.email ?? null,
          emailVerified: Boolean(p.email && p.emailVerified),
        })
        .onConflictDoNothing()
        .returning({ id: userIdentities.id });
      // The same identity's first sign-in in two tabs at once: one wins, the other starts again.
      if (made.length === 0) throw new OAuthRefused(409, 'busy', msg('oauth.raced'));
      await tx.insert(oauthHandoffs).values({ ...handoff, userId: u.id });
    });
    return code;
  }

  /**
   * The page redeems a handoff code with its binding secret: a login token, or (409) the account
   * whose e-mail matched must prove itself first.
   */
  async redeem(code: string, binding: string, requestId?: string): Promise<LoginAnswer & { next: string }> {
    const db = this.ctx.database.db;
    const [h] = await db
      .delete(oauthHandoffs)
      .where(
        and(
          eq(oauthHandoffs.codeHash, sha256(code)),
          eq(oauthHandoffs.bindingHash, sha256(binding)),
          gt(oauthHandoffs.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!h) {
      const [other] = await db
        .select({ bindingHash: oauthHandoffs.bindingHash, provider: oauthHandoffs.provider })
        .from(oauthHandoffs)
        .where(and(eq(oauthHandoffs.codeHash, sha256(code)), gt(oauthHandoffs.expiresAt, new Date())));
      if (other) {
        return this.refuse(
          new OAuthRefused(400, 'binding', msg('oauth.signin_other_browser'), 'body.binding'),
          other.provider,
          requestId,
        );
      }
      return this.refuse(
        new OAuthRefused(400, 'handoff', msg('oauth.handoff'), 'body.handoff'),
        undefined,
        requestId,
      );
    }
    if (h.linkId) {
      const [link] = await db
        .select({ id: oauthPendingLinks.id, email: users.email, verified: users.verifiedAt })
        .from(oauthPendingLinks)
        .innerJoin(users, eq(users.id, oauthPendingLinks.userId))
        .where(eq(oauthPendingLinks.id, h.linkId));
      const err = new OAuthRefused(
        409,
        'link_required',
        msg('oauth.link_required', { provider: h.provider }),
      );
      Object.assign(err.data ?? {}, {
        link: link?.id,
        email: link?.email,
        provider: h.provider,
        // An unverified account's password proves nothing about the address: the code does.
        methods: link?.verified ? ['password', 'code'] : ['code'],
        next: h.next,
      });
      return this.refuse(err, h.provider, requestId);
    }
    if (!h.userId) throw new Error('handoff without user or link');
    const session = await this.auth.createSession(h.userId);
    return { ...session, next: h.next };
  }
}

/** The account using this address (case-insensitive), if any. */
export async function accountByEmail(tx: Executor, email: string) {
  const [u] = await tx
    .select({ id: users.id, email: users.email, verifiedAt: users.verifiedAt })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return u;
}

/** The providers a user can sign in with (for account pages elsewhere). */
export async function identitiesOf(db: Executor, userId: string): Promise<Provider[]> {
  const rows = await db
    .select({ provider: userIdentities.provider })
    .from(userIdentities)
    .where(eq(userIdentities.userId, userId))
    .orderBy(userIdentities.provider);
  return rows.map((r) => r.provider);
}

/**
 * Drops a user's social identities whose address nobody proved. Auth calls it when someone else
 * claims an unverified account by signing up with its address (and then proves it with the mailed
 * code): an identity that made the account with an address it never proved must not stay a way in.
 */
export async function forgetUnprovenIdentities(tx: Executor, userId: string): Promise<void> {
  await tx
    .delete(userIdentities)
    .where(and(eq(userIdentities.userId, userId), eq(userIdentities.emailVerified, false)));
}
