import { z } from 'zod';
import type { Context } from '../context.ts';
import { type App, envelope, ok } from '../http/app.ts';
import { type Auth, tokenFrom } from './service.ts';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email('must be an e-mail address'));
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(200, 'at most 200 characters');

export function authRoutes(app: App, _ctx: Context, auth: Auth) {
  app.post(
    '/api/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; a verification code is mailed',
        body: z
          .object({
            email: emailSchema,
            password: passwordSchema,
            name: z.string().trim().max(100).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      await auth.signUp(req.body, req.ip);
      // The same answer for a new and a taken address, so sign-up cannot probe for accounts.
      return envelope(reply, 201, 'account created: check your mail for the verification code', {
        email: req.body.email,
      });
    },
  );

  app.post(
    '/api/auth/verify',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Verify the e-mail with the mailed code',
        body: z
          .object({
            email: emailSchema,
            code: z
              .string()
              .trim()
              .regex(/^\d{6}$/, 'six digits'),
          })
          .strict(),
      },
    },
    async (req, reply) =>
      ok(reply, { user: await auth.verify(req.body.email, req.body.code, req.ip) }, 'e-mail verified'),
  );

  app.post(
    '/api/auth/resend',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Mail a new verification code',
        body: z.object({ email: emailSchema }).strict(),
      },
    },
    async (req, reply) => {
      await auth.resendCode(req.body.email, req.ip);
      return ok(reply, undefined, 'if the account waits for verification, a new code is on its way');
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Log in; answers a bearer token',
        body: z.object({ email: emailSchema, password: z.string().min(1).max(200) }).strict(),
      },
    },
    async (req, reply) => {
      const { token, user, expiresAt } = await auth.login(req.body.email, req.body.password, req.ip);
      return ok(reply, { token, user, expiresAt: expiresAt.toISOString() }, 'logged in');
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['accounts'], summary: 'Revoke the token used' } },
    async (req, reply) => {
      await auth.require(req);
      const token = tokenFrom(req);
      if (token) await auth.logout(token);
      // The devices this login registered stop getting the account's pushes (src/platform/push).
      if (token) await _ctx.push.forgetSession(token);
      return ok(reply, undefined, 'logged out');
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['accounts'], summary: 'The logged-in account, and how it signs in' } },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { user, signInMethods: await auth.signInMethodsOf(user.id) });
    },
  );
}
