import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { conflict, invalidField, notFound } from '../errors.ts';
import { sessions, users } from '../schema.ts';
import type { Auth, Role } from './service.ts';

/** A user as an admin sees them. */
export type AdminUserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  verified: boolean;
  disabled: boolean;
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
  disabled: r.disabledAt !== null,
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

  async list(opts: { q?: string; page: number; pageSize: number }) {
    const where = opts.q
      ? sql`(${users.email} ilike ${likeText(opts.q)} or ${users.name} ilike ${likeText(opts.q)})`
      : undefined;
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

  async update(actor: Actor, id: string, change: { role?: Role; disabled?: boolean; name?: string }) {
    const before = await this.get(id);
    // An admin cannot lock themselves out (the last way in might be their own account).
    if (actor.id === id && change.role !== undefined && change.role !== before.role)
      throw invalidField('body.role', 'you cannot change your own role');
    if (actor.id === id && change.disabled)
      throw invalidField('body.disabled', 'you cannot disable your own account');
    await this.ctx.database.db.transaction(async (tx) => {
      const set: Partial<typeof users.$inferInsert> = {};
      if (change.role !== undefined) set.role = change.role;
      if (change.name !== undefined) set.name = change.name;
      if (change.disabled !== undefined) set.disabledAt = change.disabled ? new Date() : null;
      if (Object.keys(set).length > 0) await tx.update(users).set(set).where(eq(users.id, id));
      if (change.disabled) {
        await tx
          .update(sessions)
          .set({ revokedAt: new Date() })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
      }
    });
    // A role change or a disabled account counts at once in this process, not after the token cache.
    if (change.disabled || change.role !== undefined) this.auth.forgetTokens();
    const after = await this.get(id);
    const what = [
      change.role !== undefined && change.role !== before.role ? `role ${before.role} → ${after.role}` : '',
      change.disabled !== undefined && change.disabled !== before.disabled
        ? change.disabled
          ? 'disabled'
          : 'enabled'
        : '',
      change.name !== undefined && change.name !== before.name ? 'name changed' : '',
    ].filter(Boolean);
    if (what.length)
      await this.record(actor, `account ${after.email}: ${what.join(', ')}`, { userId: id, ...change });
    return after;
  }
}
