import { type FormEvent, useState } from 'react';
import type { AdminUserView } from '../../../../src/platform/auth/admin.ts';
import { api, get, post, type Role } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import {
  ErrorBox,
  Field,
  fieldErrors,
  Loading,
  PageTitle,
  TableWrap,
  useAction,
  useConfirm,
  useLoad,
} from '../../ui.tsx';
import { EmailField, PasswordField } from '../account-fields.tsx';
import { AdminTabs } from './AdminTabs.tsx';
import { UserDetails } from './UserDetails.tsx';

type UserPage = { users: AdminUserView[]; total: number; page: number; pageSize: number };

const ROLES: Role[] = ['user', 'organizer', 'counselor', 'admin'];
const STATES = ['active', 'suspended', 'withdrawn'] as const;
type State = (typeof STATES)[number];
const STATE_KEY = {
  active: 'admin.users.active',
  suspended: 'admin.users.suspended',
  withdrawn: 'admin.users.withdrawn',
} as const;
const PAGE_SIZE = 20;

function AddUserForm({ onAdded }: { onAdded: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [done, setDone] = useState('');
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    await run(async () => {
      const { user } = await post<{ user: AdminUserView }>('/api/admin/users', {
        email,
        password,
        role,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setDone(t('admin.users.added', { email: user.email }));
      setEmail('');
      setName('');
      setPassword('');
      setRole('user');
      onAdded();
    });
  };
  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="add-user">
      <h2>{t('admin.users.add')}</h2>
      <div className="grid-2">
        <EmailField value={email} onChange={setEmail} error={errs['body.email']} />
        <Field label={t('auth.name')} error={errs['body.name']}>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <PasswordField value={password} onChange={setPassword} error={errs['body.password']} isNew />
        <Field label={t('admin.users.role')} error={errs['body.role']}>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      {done && <div className="alert alert-success">{done}</div>}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('admin.users.addButton')}
      </button>
    </form>
  );
}

function UserRow({ u, self, onChanged }: { u: AdminUserView; self: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { busy, error, run } = useAction();
  const { ask, element } = useConfirm();
  const [open, setOpen] = useState(false);
  const change = (body: { role?: Role; state?: State }) =>
    run(async () => {
      await api('PATCH', `/api/admin/users/${u.id}`, body);
      onChanged();
    });
  const gone = u.state === 'withdrawn';
  return (
    <tr data-testid="user-row" className={u.state !== 'active' ? 'row-muted' : undefined}>
      <td>
        <div>{u.email}</div>
        <div className="muted small">{[u.nickname, u.name].filter(Boolean).join(' · ')}</div>
        <ErrorBox error={error} />
        {element}
        {open && <UserDetails u={u} onChanged={onChanged} />}
      </td>
      <td>
        <select
          aria-label={t('admin.users.role')}
          value={u.role}
          disabled={busy || self || gone}
          onChange={(e) => change({ role: e.target.value as Role })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>{u.state === 'active' && !u.verified ? t('admin.users.unverified') : t(STATE_KEY[u.state])}</td>
      <td className="small">{shortDateTime(u.createdAt, undefined, lang)}</td>
      <td className="row-actions">
        <button
          type="button"
          className="btn btn-small btn-ghost"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {t('admin.users.details')}
        </button>{' '}
        {!self &&
          !gone &&
          (u.state === 'suspended' ? (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              onClick={() => change({ state: 'active' })}
            >
              {t('admin.users.enable')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-small btn-danger-ghost"
              disabled={busy}
              onClick={async () => {
                if (await ask(t('admin.users.disableAsk', { email: u.email })))
                  await change({ state: 'suspended' });
              }}
            >
              {t('admin.users.disable')}
            </button>
          ))}
      </td>
    </tr>
  );
}

/** Admins list and search accounts, change roles, add verified accounts and disable them. */
export function AdminUsersPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [state, setState] = useState<State | ''>('');
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useLoad(
    () =>
      get<UserPage>(
        `/api/admin/users?${new URLSearchParams({
          ...(q ? { q } : {}),
          ...(role ? { role } : {}),
          ...(state ? { state } : {}),
          page: String(page),
          pageSize: String(PAGE_SIZE),
        })}`,
      ),
    [q, role, state, page],
  );
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section className="admin-users">
      <AdminTabs />
      <div className="page-head">
        <PageTitle k="admin.users.title" />
        <p className="muted small">{t('admin.users.subtitle')}</p>
      </div>
      <form
        className="row search-row filter-row"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setQ(search.trim());
        }}
      >
        <input
          type="search"
          name="q"
          aria-label={t('admin.users.search')}
          placeholder={t('admin.users.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          name="role"
          aria-label={t('admin.users.role')}
          value={role}
          onChange={(e) => {
            setPage(1);
            setRole(e.target.value as Role | '');
          }}
        >
          <option value="">{t('admin.users.allRoles')}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <select
          name="state"
          aria-label={t('admin.users.state')}
          value={state}
          onChange={(e) => {
            setPage(1);
            setState(e.target.value as State | '');
          }}
        >
          <option value="">{t('admin.users.allStates')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(STATE_KEY[s])}
            </option>
          ))}
        </select>
        <button type="submit" className="btn">
          {t('admin.users.searchButton')}
        </button>
      </form>
      <ErrorBox error={error} onRetry={reload} />
      {loading && <Loading />}
      {data && data.users.length === 0 && <p className="empty">{t('admin.users.empty')}</p>}
      {data && data.users.length > 0 && (
        <TableWrap>
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('auth.email')}</th>
                <th>{t('admin.users.role')}</th>
                <th>{t('admin.users.state')}</th>
                <th>{t('admin.users.created')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.users.map((u) => (
                <UserRow key={u.id} u={u} self={u.id === user?.id} onChanged={reload} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {data && (
        <div className="row pager">
          <span className="muted small" data-testid="users-count">
            {t('admin.users.count', { total: data.total, page: data.page, pages })}
          </span>
          <span>
            <button
              type="button"
              className="btn btn-small"
              disabled={page <= 1}
              onClick={() => setPage(page - 1)}
            >
              {t('admin.users.prev')}
            </button>{' '}
            <button
              type="button"
              className="btn btn-small"
              disabled={page >= pages}
              onClick={() => setPage(page + 1)}
            >
              {t('admin.users.next')}
            </button>
          </span>
        </div>
      )}
      <AddUserForm onAdded={reload} />
    </section>
  );
}
