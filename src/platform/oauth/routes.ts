import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { AppError } from '../errors.ts';
import { type App, ok } from '../http/app.ts';
import { safeErrorText } from '../serverlog/index.ts';
import { PROVIDERS, type Provider } from './config.ts';
import { OAuthRefused } from './exchange.ts';
import type { OAuthLinks } from './link.ts';
import { HANDOFF_PAGE, type OAuth, providerName } from './service.ts';

const provider = z.object({ provider: z.enum(PROVIDERS) });
const secret = (what: string) => z.string().min(16, `not a ${what}`).max(200, `not a ${what}`);
const callbackFields = {
  code: z.string().max(2000).optional(),
  state: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
};

/** A browser navigation (the provider's redirect or form POST) rather than an API client. */
const wantsPage = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html');

/**
 * Social sign-in over HTTP. The API speaks JSON; only Apple's form_post callback takes a form
 * (@fastify/formbody is registered in that one route's scope).
 */
export function oauthRoutes(app: App, ctx: Context, oauth: OAuth, links: OAuthLinks) {
  const finish = async (
    req: FastifyRequest,
    reply: FastifyReply,
    p: Provider,
    q: { code?: string; state?: string; error?: string; user?: string },
  ) => {
    try {
      const { handoff } = await oauth.callback(p, q, req.id);
      return reply.redirect(`${HANDOFF_PAGE}?handoff=${encodeURIComponent(handoff)}`, 303);
    } catch (err) {
      // A browser lands on the sign-in page, which says what happened in the reader's language.
      if (!wantsPage(req)) throw err;
      const reason =
        err instanceof OAuthRefused
          ? err.reason
          : err instanceof AppError && err.status < 500
            ? 'refused'
            : 'upstream';
      if (reason === 'upstream') {
        await ctx.serverLog.write({
          level: 'error',
          source: 'oauth',
          message: `${providerName(p)} sign-in failed: ${safeErrorText(err)}`,
          data: { provider: p, reason },
          requestId: req.id,
        });
      }
      return reply.redirect(`${HANDOFF_PAGE}?error=${encodeURIComponent(reason)}&provider=${p}`, 303);
    }
  };

  app.get(
    '/api/auth/oauth/providers',
    { schema: { tags: ['accounts'], summary: 'The social sign-in providers offered' } },
    async (_req, reply) =>
      ok(reply, {
        providers: oauth.clients
          .enabled()
          .map((p) => ({ provider: p, standIn: !ctx.config.oauth[p].clientId })),
      }),
  );

  app.post(
    '/api/auth/oauth/:provider/start',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Start a social sign-in: the provider URL to open and the binding secret to keep',
        params: provider,
        body: z.object({ next: z.string().max(500).optional() }).strict(),
      },
    },
    async (req, reply) => ok(reply, await oauth.start(req.params.provider, req.body.next, req.ip)),
  );

  app.get(
    '/api/auth/oauth/:provider/callback',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Where Kakao and Naver send the browser back (redirects to the sign-in page)',
        params: provider,
        querystring: z.object(callbackFields),
      },
    },
    async (req, reply) => finish(req, reply, req.params.provider, req.query),
  );

  // Apple answers with a cross-site form POST (response_mode=form_post); no cookie comes with it.
  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    (scope as unknown as App).post(
      '/api/auth/oauth/apple/callback',
      {
        schema: {
          tags: ['accounts'],
          summary: "Apple's form_post callback (redirects to the sign-in page)",
          consumes: ['application/x-www-form-urlencoded'],
          body: z.object({
            ...callbackFields,
            id_token: z.string().max(8000).optional(),
            // {"name":{"firstName","lastName"},"email"}: on the first authorization only
            user: z.string().max(2000).optional(),
          }),
        },
      },
      async (req, reply) => finish(req, reply, 'apple', req.body),
    );
  });

  app.post(
    '/api/auth/oauth/handoff',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Redeem the handoff code with the binding secret: a login token (409 when a link needs proof)',
        body: z.object({ handoff: secret('sign-in code'), binding: secret('binding secret') }).strict(),
      },
    },
    async (req, reply) => {
      const r = await oauth.redeem(req.body.handoff, req.body.binding, req.id);
      return ok(
        reply,
        { token: r.token, user: r.user, expiresAt: r.expiresAt.toISOString(), next: r.next },
        'logged in',
      );
    },
  );

  const link = { link: z.uuid('not a link id'), binding: secret('binding secret') };

  app.post(
    '/api/auth/oauth/link/code',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Mail a 6-digit code to the account a pending social link names',
        body: z.object(link).strict(),
      },
    },
    async (req, reply) =>
      ok(reply, await links.requestCode(req.body.link, req.body.binding, req.id), 'a code is on its way'),
  );

  app.post(
    '/api/auth/oauth/link/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Prove the account (its password or the mailed code), link the identity and log in',
        body: z
          .object({
            ...link,
            password: z.string().min(1).max(200).optional(),
            code: z
              .string()
              .trim()
              .regex(/^\d{6}$/, 'six digits')
              .optional(),
          })
          .strict()
          .refine((b) => (b.password === undefined) !== (b.code === undefined), {
            message: 'give the password or the code',
            path: ['password'],
          }),
      },
    },
    async (req, reply) => {
      const r = await links.confirm(req.body, req.id);
      return ok(
        reply,
        { token: r.token, user: r.user, expiresAt: r.expiresAt.toISOString(), next: r.next },
        'linked and logged in',
      );
    },
  );
}
