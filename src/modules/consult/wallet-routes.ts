import { z } from 'zod';
import type { Auth } from '../../platform/auth/service.ts';
import { type App, ok } from '../../platform/http/app.ts';
import type { Wallet } from './wallet.ts';

const tags = ['consult'];
const statementQuery = z
  .object({
    before: z.iso.datetime({ offset: true, message: 'an ISO time' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();

/** The signed-in user's points: balance (paid and bonus apart) and statement. */
export function walletRoutes(app: App, auth: Auth, wallet: Wallet) {
  const loggedIn = auth.guard();

  app.get(
    '/api/consult/wallet',
    {
      onRequest: loggedIn,
      schema: {
        tags,
        summary: 'Your points: paid and bonus balances, what is held, and the statement',
        querystring: statementQuery,
      },
    },
    async (req, reply) => {
      const user = await auth.require(req);
      await wallet.profile(user.id);
      const [balance, statement] = await Promise.all([
        wallet.balance(user.id),
        wallet.statement(user.id, {
          before: req.query.before ? new Date(req.query.before) : undefined,
          limit: req.query.limit,
        }),
      ]);
      return ok(reply, { balance, statement });
    },
  );
}
