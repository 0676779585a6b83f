import { and, count, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { conflict, invalidField, notFound } from '../errors.ts';
import { users } from '../schema.ts';
import type { AccountState, Auth, Role } from './service.ts';

/** A user as an admin sees them. */
export type AdminUserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  verified: boolean;
  state: AccountState;
  /** state === 'suspended' (what the API said before states existed) */
  disabled: boolean;
  nickname: string | null;
  intro: string;
  /** the admins' note: only in admin answers */
  memo: string;
  createdAt: string;
};

/** Who asks: a logged-in admin (id), or the CLI on this machine through the local admin token (no id). */
export type Actor = { id?: string };

const view = (r: typeof users.$inferSelect): AdminUserView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  verified: r.verifiedAt !== null,
  state: r.state,
  disabled: r.state === 'suspended',
  nickname: r.nickname,
  intro: r.intro,
  memo: r.adminMemo,
  createdAt: r.createdAt.toISOString(),
});

/** Escapes LIKE wildcards, so a search for "a_b" finds that text only. */
const likeText = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Admins manage accounts: list and search, add verified ones, change roles, disable and enable. */
export class AdminUsers {
  constructor(
    private readonly ctx: Context,
    private readonly auth: Auth,
  ) {}

  /** q: part of the e-mail, nickname or name; role and state match exactly. */
  async list(opts: { q?: string; role?: Role; state?: AccountState; page: number; pageSize: number }) {
    const conds: SQL[] = [];
    if (opts.q) {
      const like = likeText(opts.q);
      conds.push(
        sql`(${users.email} ilike ${like} or ${users.nickname} ilike ${like} or ${users.name} ilike ${like})`,
      );
    }
    if (opts.role) conds.push(eq(users.role, opts.role));
    if (opts.state) conds.push(eq(users.state, opts.state));
    const where = conds.length ? and(...conds) : undefined;
    const db = this.ctx.database.db;
    const [rows, [{ total }]] = await Promise.all([
      db
        .select()
        .from(users)
        .where(where)
        .orderBy(desc(users.createdAt), users.email)
        .limit(opts.pageSize)
        .offset((opts.page - 1) * opts.pageSize),
      db.select({ total: count() }).from(users).where(where),
    ]);
    return { users: rows.map(view), total: Number(total), page: opts.page, pageSize: opts.pageSize };
  }

  async get(id: string): Promise<AdminUserView> {
    const [row] = await this.ctx.database.db.select().from(users).where(eq(users.id, id));
    if (!row) throw notFound('user');
    return view(row);
  }

  async byEmail(email: string): Promise<AdminUserView | undefined> {
    const [row] = await this.ctx.database.db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`);
    return row ? view(row) : undefined;
  }

  /**
   * A verified account with a password. An existing address is a conflict unless `replace` is set (the
   * CLI's "add or update": role and password are replaced, as `yeyak users add` always did).
   */
  async add(
    input: { email: string; password: string; role: Role; name?: string; replace?: boolean },
    actor: Actor = {},
  ) {
    const existing = await this.byEmail(input.email);
    if (existing && !input.replace)
      throw conflict('an account with this e-mail already exists', { path: 'body.email' });
    const user = await this.auth.addUser(input);
    const view = await this.get(user.id);
    await this.record(actor, `${existing ? 'updated' : 'added'} account ${view.email} (${view.role})`, {
      userId: view.id,
      role: view.role,
    });
    return { user: view, created: !existing };
  }

  /** Every account change goes to the server log with who made it (no actor: the local CLI). */
  private record(actor: Actor, message: string, data: Record<string, unknown>) {
    return this.ctx.serverLog.write({
      level: 'info',
      source: 'admin',
      message: actor.id ? message : `${message} (from the command line)`,
      data,
      actorId: actor.id ?? null,
    });
  }

  /**
   * Role, state (active ⇄ suspended), memo and name. Suspending revokes every session; withdrawal is
   * the owner's alone, so an admin neither sets nor undoes it. The log row says what changed, never
   * the memo's text.
   */
  async update(
    actor: Actor,
    id: string,
    change: { role?: Role; state?: AccountState; disabled?: boolean; memo?: string; name?: string },
  ) {
    const before = await this.get(id);
    const state =
      change.state ?? (change.disabled === undefined ? undefined : change.disabled ? 'suspended' : 'active');
    const stateField = change.state !== undefined ? 'body.state' : 'body.disabled';
    // An admin cannot lock themselves out (the last way in might be their own account).
    if (actor.id === id && change.role !== undefined && change.role !== before.role)
      throw invalidField('body.role', 'you cannot change your own role');
    if (actor.id === id && state !== undefined && state !== 'active')
      throw invalidField(stateField, 'you cannot suspend your own account');
    if (state === 'withdrawn') throw invalidField(stateField, 'only the owner can withdraw an account');
    if (state !== undefined && before.state === 'withdrawn')
      throw invalidField(stateField, 'a withdrawn account stays withdrawn');
    await this.ctx.database.db.transaction(async (tx) => {
      const set: Partial<typeof users.$inferInsert> = {};
      if (change.role !== undefined) set.role = change.role;
      if (change.name !== undefined) set.name = change.name;
      if (change.memo !== undefined) set.adminMemo = change.memo;
      if (state !== undefined) set.state = state;
      if (Object.keys(set).length > 0) await tx.update(users).set(set).where(eq(users.id, id));
      if (state === 'suspended') await this.auth.revokeSessions(id, tx);
    });
    // A role or state change counts at once in this process, not after the token cache.
    if (state !== undefined || change.role !== undefined) this.auth.forgetTokens();
    const after = await this.get(id);
    const what: string[] = [];
    const data: Record<string, unknown> = { userId: id };
    if (after.role !== before.role) {
      what.push(`role ${before.role} → ${after.role}`);
      data.role = { from: before.role, to: after.role };
    }
    if (after.state !== before.state) {
      what.push(`state ${before.state} → ${after.state}`);
      data.state = { from: before.state, to: after.state };
    }
    if (after.memo !== before.memo) {
      what.push('memo changed');
      data.memoChanged = true;
    }
    if (after.name !== before.name) what.push('name changed');
    if (what.length) await this.record(actor, `account ${after.email}: ${what.join(', ')}`, data);
    return after;
  }

  /** Ends every session of an account (a lost phone, a shared password); the account stays as it is. */
  async revokeSessions(actor: Actor, id: string) {
    const u = await this.get(id);
    const revoked = await this.auth.revokeSessions(id);
    await this.record(actor, `account ${u.email}: ${revoked} session(s) revoked`, { userId: id, revoked });
    return { revoked };
  }
}
