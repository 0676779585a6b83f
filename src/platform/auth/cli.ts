import { type Command, InvalidArgumentError } from 'commander';
import { createLogger, createYeyak } from '../../app.ts';
import type { Config } from '../config.ts';
import { DataDirLockedError } from '../db.ts';
import { ROLES } from '../schema.ts';
import { AdminUsers, type AdminUserView } from './admin.ts';
import { adminFilePath, type LocalAdminFile, readLocalAdmin } from './local-admin.ts';
import type { AccountState, Role } from './service.ts';

type Change = { role?: Role; state?: AccountState };
type Page = { users: AdminUserView[]; total: number; page: number; pageSize: number };

/** What `yeyak users …` needs: the database itself, or the running server's admin API. */
type Users = {
  add(input: { email: string; password: string; role: Role; name?: string }): Promise<AdminUserView>;
  list(q: string | undefined, page: number): Promise<Page>;
  update(email: string, change: Change): Promise<AdminUserView>;
  close(): Promise<void>;
  via: string;
};

async function direct(cfg: Config): Promise<Users> {
  const y = await createYeyak(
    { ...cfg, demo: false },
    { http: false, workers: false, logger: createLogger('warn') },
  );
  const admin = new AdminUsers(y.ctx, y.auth);
  return {
    via: 'database',
    add: async (input) => (await admin.add({ ...input, replace: true })).user,
    list: (q, page) => admin.list({ q, page, pageSize: 50 }),
    update: async (email, change) => {
      const u = await admin.byEmail(email);
      if (!u) throw new Error(`no account ${email}`);
      return admin.update({}, u.id, change);
    },
    close: () => y.stop(),
  };
}

function remote(file: LocalAdminFile): Users {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${file.port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${file.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: Error) => {
      throw new Error(
        `the server holding the data folder does not answer on port ${file.port}: ${err.message}`,
      );
    });
    const answer = (await res.json().catch(() => ({}))) as {
      description?: string;
      data?: T & { errors?: { path: string; message: string }[] };
    };
    if (!res.ok) {
      const fields = answer.data?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(fields || answer.description || `HTTP ${res.status}`);
    }
    return answer.data as T;
  };
  const list = (q: string | undefined, page: number) =>
    call<Page>(
      'GET',
      `/api/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page), pageSize: '50' })}`,
    );
  return {
    via: `the running server (port ${file.port})`,
    add: async (input) =>
      (await call<{ user: AdminUserView }>('POST', '/api/admin/users', { ...input, replace: true })).user,
    list,
    update: async (email, change) => {
      const u = (await list(email, 1)).users.find((x) => x.email.toLowerCase() === email.toLowerCase());
      if (!u) throw new Error(`no account ${email}`);
      return (await call<{ user: AdminUserView }>('PATCH', `/api/admin/users/${u.id}`, change)).user;
    },
    close: async () => {},
  };
}

/** The database directly; when a running server holds the embedded one, that server's admin API. */
async function openUsers(cfg: Config): Promise<Users> {
  try {
    return await direct(cfg);
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    const file = readLocalAdmin(cfg.dataDir);
    if (!file) {
      throw new DataDirLockedError(
        `${err.message} (it left no ${adminFilePath(cfg.dataDir)}, so its admin API cannot be reached)`,
      );
    }
    return remote(file);
  }
}

const ROLE_LIST = ROLES.join(', ');
const roleArg = (v: string): Role => {
  if (!(ROLES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`must be one of ${ROLE_LIST}`);
  return v as Role;
};

const stateArg = (v: string): AccountState => {
  if (v !== 'active' && v !== 'suspended')
    throw new InvalidArgumentError('must be active or suspended (only the owner can withdraw)');
  return v;
};

const line = (u: AdminUserView) =>
  `${u.email}\t${u.role}\t${u.state === 'active' && !u.verified ? 'unverified' : u.state}\t${u.nickname ?? ''}\t${u.name}`;

export function registerUserCommands(program: Command, config: () => Config, fail: (err: unknown) => never) {
  const run = async (fn: (users: Users) => Promise<void>) => {
    const users = await openUsers(config()).catch(fail);
    try {
      await fn(users);
    } catch (err) {
      await users.close();
      fail(err);
    }
    await users.close();
  };

  const users = program
    .command('users')
    .description('manage accounts (works next to a running server: it goes through its admin API)');
  users
    .command('add')
    .description('add a verified account, or update its role and password')
    .argument('<email>', 'e-mail address')
    .requiredOption('--password <password>', 'password, 8 to 200 characters')
    .option('--role <role>', ROLE_LIST, roleArg, 'user' as Role)
    .option('--name <name>', 'display name')
    .action(async (email: string, opts: { password: string; role: Role; name?: string }) => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail(new Error(`"${email}" is not an e-mail address`));
      if (opts.password.length < 8 || opts.password.length > 200)
        fail(new Error('--password must be 8 to 200 characters'));
      await run(async (u) => {
        const user = await u.add({ email: email.toLowerCase(), ...opts });
        console.log(`${user.email} (${user.role}) is ready`);
      });
    });
  users
    .command('list')
    .description('list accounts, newest first (50 a page)')
    .option('--search <text>', 'part of the e-mail, nickname or name')
    .option('--page <n>', 'page number', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 1)
    .action(async (opts: { search?: string; page: number }) => {
      await run(async (u) => {
        const page = await u.list(opts.search, opts.page);
        for (const user of page.users) console.log(line(user));
        console.log(`(${page.users.length} of ${page.total}, page ${page.page})`);
      });
    });
  users
    .command('role')
    .description("change an account's role")
    .argument('<email>', 'e-mail address')
    .argument('<role>', ROLE_LIST, roleArg)
    .action(async (email: string, role: Role) => {
      await run(async (u) => console.log(line(await u.update(email, { role }))));
    });
  users
    .command('state')
    .description("change an account's state: suspended cannot log in and its sessions end")
    .argument('<email>', 'e-mail address')
    .argument('<state>', 'active or suspended', stateArg)
    .action(async (email: string, state: AccountState) => {
      await run(async (u) => console.log(line(await u.update(email, { state }))));
    });
  // The older words for the two states.
  for (const [name, state] of [
    ['disable', 'suspended'],
    ['enable', 'active'],
  ] as const) {
    users
      .command(name)
      .description(
        state === 'suspended'
          ? 'suspend an account (same as: state <email> suspended)'
          : 'let a suspended account log in again (same as: state <email> active)',
      )
      .argument('<email>', 'e-mail address')
      .action(async (email: string) => {
        await run(async (u) => console.log(line(await u.update(email, { state }))));
      });
  }
}
