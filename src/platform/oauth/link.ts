import { randomInt } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import { safeEqual, sha256, verifyPassword } from '../crypto.ts';
import { emit, once } from '../events/outbox.ts';
import type { Consumer } from '../events/types.ts';
import { renderPlatformMail } from '../mail/mailer.ts';
import { type Code, msg, type ParamValue, render } from '../messages/index.ts';
import { RULES, rateLimiter } from '../ratelimit.ts';
import { users } from '../schema.ts';
import type { Provider } from './config.ts';
import { OAuthRefused } from './exchange.ts';
import { oauthPendingLinks, userIdentities } from './schema.ts';
import type { OAuth } from './service.ts';
import { LINK_MINUTES, providerName, UNUSABLE_PASSWORD } from './service.ts';

export const LINK_TRIES = 5;
const TOPIC = 'oauth.link_code_requested';

/**
 * A pending link: a provider identity whose e-mail belongs to an existing account. It becomes a
 * sign-in method of that account only when the person proves they own it — its password (when the
 * account is verified), or a 6-digit code mailed to its address. Five wrong tries end the row.
 */
export class OAuthLinks {
  private readonly limiter;

  constructor(
    private readonly ctx: Context,
    private readonly auth: Auth,
    private readonly oauth: OAuth,
  ) {
    this.limiter = rateLimiter(ctx.database);
  }

  /** The link row, when the binding secret is the one of the browser that started the sign-in. */
  private async pending(linkId: string, binding: string, requestId?: string) {
    const [row] = await this.ctx.database.db
      .select({ link: oauthPendingLinks, account: users })
      .from(oauthPendingLinks)
      .innerJoin(users, eq(users.id, oauthPendingLinks.userId))
      .where(and(eq(oauthPendingLinks.id, linkId), gt(oauthPendingLinks.expiresAt, new Date())));
    if (!row) {
      return this.oauth.refuse(
        new OAuthRefused(400, 'link', msg('oauth.link_unknown'), 'body.link'),
        undefined,
        requestId,
      );
    }
    if (!safeEqual(row.link.bindingHash, sha256(binding))) {
      return this.oauth.refuse(
        new OAuthRefused(400, 'binding', msg('oauth.link_other_browser'), 'body.binding'),
        row.link.provider,
        requestId,
      );
    }
    return row;
  }

  /** Mails a code to the account (through the outbox). Tries are not renewed by a new code. */
  async requestCode(linkId: string, binding: string, requestId?: string): Promise<{ email: string }> {
    const { link, account } = await this.pending(linkId, binding, requestId);
    await this.limiter.consume(RULES.oauthLinkMail, account.id);
    await this.ctx.tx((tx) => emit(tx, TOPIC, { linkId: link.id }));
    return { email: account.email };
  }

  async confirm(
    input: { link: string; binding: string; password?: string; code?: string },
    requestId?: string,
  ): ReturnType<OAuth['redeem']> {
    const { link, account } = await this.pending(input.link, input.binding, requestId);
    const field = input.password !== undefined ? 'body.password' : 'body.code';
    await this.limiter.consume(RULES.oauthLinkAccount, account.id);
    let good = false;
    if (input.password !== undefined) {
      // An unverified account's password was never shown to belong to the address's owner.
      good = account.verifiedAt !== null && (await verifyPassword(input.password, account.passwordHash));
    } else if (input.code !== undefined && link.codeHash) {
      good = safeEqual(link.codeHash, sha256(`${link.id}:${input.code}`));
    }
    if (!good) {
      const [after] = await this.ctx.database.db
        .update(oauthPendingLinks)
        .set({ attempts: sql`${oauthPendingLinks.attempts} + 1` })
        .where(eq(oauthPendingLinks.id, link.id))
        .returning({ attempts: oauthPendingLinks.attempts });
      const spent = (after?.attempts ?? LINK_TRIES) >= LINK_TRIES;
      if (spent)
        await this.ctx.database.db.delete(oauthPendingLinks).where(eq(oauthPendingLinks.id, link.id));
      const refusal = new OAuthRefused(
        400,
        'link_proof',
        spent
          ? msg('oauth.link_spent')
          : input.password !== undefined
            ? msg('oauth.link_wrong_password')
            : msg('oauth.link_wrong_code'),
        field,
      );
      // The page says which, in the reader's language; `spent`: the request is over.
      Object.assign(refusal.data ?? {}, { spent });
      return this.oauth.refuse(refusal, link.provider, requestId);
    }
    await this.limiter.release(RULES.oauthLinkAccount, account.id);
    await this.ctx.tx(async (tx) => {
      const [taken] = await tx
        .select({ userId: userIdentities.userId })
        .from(userIdentities)
        .where(and(eq(userIdentities.provider, link.provider), eq(userIdentities.subject, link.subject)));
      if (taken && taken.userId !== account.id) {
        throw new OAuthRefused(
          409,
          'identity_taken',
          msg('oauth.identity_taken', { provider: link.provider }),
        );
      }
      if (!taken) {
        await tx
          .insert(userIdentities)
          .values({
            userId: account.id,
            provider: link.provider,
            subject: link.subject,
            email: link.email,
            // The account proved itself for this address.
            emailVerified: true,
          })
          .onConflictDoNothing();
      }
      if (input.code !== undefined && !account.verifiedAt) {
        // The code proved the address; a password set before that (by anyone) no longer opens it.
        await tx
          .update(users)
          .set({ verifiedAt: new Date(), passwordHash: UNUSABLE_PASSWORD })
          .where(eq(users.id, account.id));
      }
      await tx.delete(oauthPendingLinks).where(eq(oauthPendingLinks.id, link.id));
    });
    await this.ctx.serverLog.write({
      level: 'info',
      source: 'oauth',
      message: `${providerName(link.provider)} sign-in linked to an existing account (${input.password !== undefined ? 'password' : 'mailed code'})`,
      data: { provider: link.provider, proof: input.password !== undefined ? 'password' : 'code' },
      actorId: account.id,
      requestId,
    });
    const session = await this.auth.createSession(account.id);
    return { ...session, next: link.next };
  }

  /** Makes the code (it exists only in the mail and as a hash on the row) and mails it. */
  consumer(): Consumer {
    return {
      name: 'oauth-link-mail',
      topics: [TOPIC],
      handle: (event) =>
        once(this.ctx.database, 'oauth-link-mail', event.id, async () => {
          const linkId = String(event.payload.linkId);
          const [row] = await this.ctx.database.db
            .select({ link: oauthPendingLinks, account: users })
            .from(oauthPendingLinks)
            .innerJoin(users, eq(users.id, oauthPendingLinks.userId))
            .where(and(eq(oauthPendingLinks.id, linkId), gt(oauthPendingLinks.expiresAt, new Date())));
          if (!row) return;
          const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
          await this.ctx.database.db
            .update(oauthPendingLinks)
            .set({ codeHash: sha256(`${linkId}:${code}`) })
            .where(eq(oauthPendingLinks.id, linkId));
          // In the account's language (Korean unless it chose English); the template holds no words.
          const lang = row.account.lang === 'en' ? 'en' : 'ko';
          const provider = row.link.provider as Provider;
          const name = row.account.name || row.account.email;
          const t = (key: Code, params?: Record<string, ParamValue>) => render(key, params, lang);
          await this.ctx.mailer.send({
            to: row.account.email,
            subject: t('oauth.mail_link_subject', { provider, code }),
            html: renderPlatformMail(
              'oauth-link',
              {
                code,
                lang,
                t: {
                  hello: t('auth.mail_hello', { name }),
                  line: t('oauth.mail_link_line', { provider }),
                  within: t('auth.mail_within', { minutes: LINK_MINUTES }),
                  ignore: t('oauth.mail_link_ignore'),
                },
              },
              `yeyak ${providerName(provider)} link code`,
            ),
            text: `${t('oauth.mail_link_line', { provider })} ${code} (${t('auth.mail_within', { minutes: LINK_MINUTES })})`,
          });
        }),
    };
  }
}
