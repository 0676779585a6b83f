import { z } from 'zod';
import { type App, ok } from '../http/app.ts';
import { RULES } from '../ratelimit.ts';
import { type Accounts, INTRO_MAX, NICKNAME } from './account.ts';
import { emailSchema, passwordSchema } from './routes.ts';
import type { Auth } from './service.ts';

const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'six digits');

/** 2–20 characters after trimming: letters, digits, spaces, `.`, `_` and `-` (no `@`, so never an address). */
export const nicknameSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .min(NICKNAME.min, `at least ${NICKNAME.min} characters`)
  .max(NICKNAME.max, `at most ${NICKNAME.max} characters`)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, . _ and - only');
export const introSchema = z.string().trim().max(INTRO_MAX, `at most ${INTRO_MAX} characters`);

/** The owner's side of an account: profile, password reset, find-account, withdrawal. */
export function accountRoutes(app: App, auth: Auth, accounts: Accounts) {
  const byAddress = { rateLimit: { rule: RULES.accountMailAddress, by: 'address' as const } };

  app.patch(
    '/api/auth/profile',
    {
      onRequest: auth.guard(),
      config: { rateLimit: RULES.profileUser },
      schema: {
        tags: ['accounts'],
        summary: 'Change the nickname (2–20 characters, unique), the intro and the language (ko, en)',
        body: z
          .object({
            nickname: nicknameSchema.nullable().optional(),
            intro: introSchema.optional(),
            lang: z.enum(['ko', 'en']).optional(),
          })
          .strict(),
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      return ok(reply, { user: await accounts.updateProfile(user, req.body) }, 'profile saved');
    },
  );

  app.post(
    '/api/auth/password-reset/request',
    {
      config: byAddress,
      schema: {
        tags: ['accounts'],
        summary: 'Mail a password-reset code (the same answer whether the address has an account)',
        body: z.object({ email: emailSchema }).strict(),
      },
    },
    async (req, reply) => {
      await accounts.requestReset(req.body.email);
      return ok(reply, undefined, 'if an account has this address, a reset code is on its way');
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Set a new password with the mailed code; every session of the account ends',
        body: z.object({ email: emailSchema, code, password: passwordSchema }).strict(),
      },
    },
    async (req, reply) => {
      const { email, code: c, password } = req.body;
      await accounts.reset(email, c, password, req.ip);
      return ok(reply, undefined, 'password changed: log in with the new one');
    },
  );

  app.post(
    '/api/auth/find-account',
    {
      config: byAddress,
      schema: {
        tags: ['accounts'],
        summary: 'Mail the address whether it has an account and how it signs in',
        // lang: the page's language, for the mail when the address has no account to say it.
        body: z.object({ email: emailSchema, lang: z.enum(['ko', 'en']).optional() }).strict(),
      },
    },
    async (req, reply) => {
      await accounts.findAccount(req.body.email, req.body.lang);
      return ok(reply, undefined, 'we mailed the answer to this address');
    },
  );

  app.post(
    '/api/auth/withdraw/code',
    {
      onRequest: auth.guard(),
      schema: {
        tags: ['accounts'],
        summary: 'Mail a code that confirms withdrawal (accounts without a password)',
      },
    },
    async (req, reply) => {
      await accounts.requestWithdrawCode(await auth.require(req));
      return ok(reply, undefined, 'a confirmation code is on its way');
    },
  );

  app.post(
    '/api/auth/withdraw',
    {
      onRequest: auth.guard(),
      schema: {
        tags: ['accounts'],
        summary: 'Delete my account: confirm with the password (or the mailed code without one)',
        body: z.object({ password: z.string().min(1).max(200).optional(), code: code.optional() }).strict(),
      },
    },
    async (req, reply) => {
      await accounts.withdraw(await auth.require(req), req.body, req.ip);
      return ok(reply, undefined, 'your account is deleted');
    },
  );
}
