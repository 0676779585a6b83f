/**
 * The user's operator accounts: credentials checked with the operator, then kept sealed (one
 * account per operator); the logged-in adapter every reserve of that account goes through.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import type { RailDeps } from './egress.ts';
import { type ProviderName, RailError, type RailProvider } from './providers/index.ts';
import { refused } from './refusals.ts';
import { railAccounts, railWatches } from './schema.ts';
import { type AccountView, accountView, PROVIDER_LABEL } from './views.ts';

/** The stand-in operator's first member (sims/rail README). */
export const SANDBOX_MEMBER = { id: '1234567890', password: 'sim-password' };

export function maskLogin(id: string): string {
  if (id.includes('@')) {
    const [name, host] = id.split('@');
    return `${name.slice(0, 2)}${'*'.repeat(Math.max(1, name.length - 2))}@${host}`;
  }
  return id.length <= 4 ? '****' : `${id.slice(0, 3)}${'*'.repeat(id.length - 5)}${id.slice(-2)}`;
}

export async function accounts(d: RailDeps, user: User): Promise<AccountView[]> {
  const rows = await d.ctx.database.db
    .select()
    .from(railAccounts)
    .where(eq(railAccounts.userId, user.id))
    .orderBy(asc(railAccounts.provider));
  return rows.map((a) => accountView(a));
}

/** Checks the credentials with the operator, then stores them sealed (one account per operator). */
export async function saveAccount(
  d: RailDeps,
  user: User,
  provider: ProviderName,
  id: string,
  password: string,
): Promise<AccountView> {
  const p = d.egress.newProvider(provider, `${user.id}:${provider}`);
  let session: Awaited<ReturnType<RailProvider['login']>>;
  try {
    session = await p.login({ id, password });
  } catch (err) {
    throw await refused(d, err);
  }
  const secret = d.sealer.seal(JSON.stringify({ id, password }), `account:${user.id}:${provider}`);
  const [row] = await d.ctx.database.db
    .insert(railAccounts)
    .values({
      userId: user.id,
      provider,
      loginHint: maskLogin(id),
      secret,
      memberNo: session.memberNo,
      memberName: session.name,
    })
    .onConflictDoUpdate({
      target: [railAccounts.userId, railAccounts.provider],
      set: {
        loginHint: maskLogin(id),
        secret,
        memberNo: session.memberNo,
        memberName: session.name,
        status: 'ok',
        lastError: null,
        updatedAt: new Date(),
      },
    })
    .returning();
  d.egress.accountProviders.set(row.id, { provider: p, ready: Promise.resolve() });
  return accountView(row);
}

export async function deleteAccount(d: RailDeps, user: User, provider: ProviderName) {
  const rows = await d.ctx.tx(async (tx) => {
    const [a] = await tx
      .select()
      .from(railAccounts)
      .where(and(eq(railAccounts.userId, user.id), eq(railAccounts.provider, provider)));
    if (!a) throw notFound(`${PROVIDER_LABEL[provider]} account`);
    await tx
      .update(railWatches)
      .set({ status: 'stopped', failReason: 'account removed', updatedAt: new Date() })
      .where(and(eq(railWatches.accountId, a.id), inArray(railWatches.status, ['waiting', 'trying'])));
    return tx.delete(railAccounts).where(eq(railAccounts.id, a.id)).returning({ id: railAccounts.id });
  });
  for (const r of rows) d.egress.accountProviders.delete(r.id);
}

export async function accountRow(
  d: RailDeps,
  user: User,
  provider: ProviderName,
  path = 'body.provider',
): Promise<typeof railAccounts.$inferSelect> {
  const [a] = await d.ctx.database.db
    .select()
    .from(railAccounts)
    .where(and(eq(railAccounts.userId, user.id), eq(railAccounts.provider, provider)));
  if (!a && d.egress.sandbox) {
    // The sandbox operator has a demo member; use it so the demo works without typing a login.
    await saveAccount(d, user, provider, SANDBOX_MEMBER.id, SANDBOX_MEMBER.password);
    return accountRow(d, user, provider, path);
  }
  if (!a)
    throw invalidField(
      path,
      `add your ${PROVIDER_LABEL[provider]} account first (PUT /api/rail/accounts/${provider})`,
    );
  if (a.status !== 'ok')
    throw invalidField(
      path,
      `your ${PROVIDER_LABEL[provider]} account needs attention: ${a.lastError ?? a.status}`,
    );
  return a;
}

/** The logged-in adapter of an account (logs in on first use, re-login is the adapter's). */
export async function accountProvider(d: RailDeps, accountId: string): Promise<RailProvider> {
  const cached = d.egress.accountProviders.get(accountId);
  if (cached && !cached.provider.stoppedBy) {
    await cached.ready;
    return cached.provider;
  }
  const [a] = await d.ctx.database.db.select().from(railAccounts).where(eq(railAccounts.id, accountId));
  if (!a) throw new RailError('not-logged-in', 'srt', 'the account was removed');
  const creds = JSON.parse(d.sealer.open(a.secret, `account:${a.userId}:${a.provider}`)) as {
    id: string;
    password: string;
  };
  const provider = d.egress.newProvider(a.provider, `${a.userId}:${a.provider}`);
  const ready = provider.login(creds).then(() => undefined);
  d.egress.accountProviders.set(accountId, { provider, ready });
  try {
    await ready;
  } catch (err) {
    d.egress.accountProviders.delete(accountId);
    throw err;
  }
  return provider;
}
