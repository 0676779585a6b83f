import type { ReactNode } from 'react';
import { isOrganizer, useAuth } from './auth.tsx';
import { DemoBanner } from './demo.tsx';
import { type Key, useI18n } from './i18n.tsx';
import { DeadLettersPage } from './pages/admin/DeadLetters.tsx';
import { AdminUsersPage } from './pages/admin/Users.tsx';
import { CheckInPage } from './pages/CheckIn.tsx';
import { EventPage } from './pages/Event.tsx';
import { EventsPage } from './pages/Events.tsx';
import { HoldPage } from './pages/Hold.tsx';
import { LoginPage, SignupPage } from './pages/Login.tsx';
import { MailboxPage } from './pages/Mailbox.tsx';
import { MyTicketsPage } from './pages/MyTickets.tsx';
import { EventFormPage, OrganizerEventsPage } from './pages/Organizer.tsx';
import { RailReservationsPage } from './pages/rail/Reservations.tsx';
import { RailSearchPage } from './pages/rail/Search.tsx';
import { RailSettingsPage } from './pages/rail/Settings.tsx';
import { RailWatchesPage } from './pages/rail/Watches.tsx';
import { useRegZh } from './pages/registration/i18n.ts';
import { RegistrationEventPage, RegistrationListPage } from './pages/registration/Registration.tsx';
import { SalesPage } from './pages/Sales.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { RequireAuth } from './ui.tsx';

type Route = { pattern: string; render: (p: Record<string, string>) => ReactNode };

const staff = ['organizer', 'admin'];

const routes: Route[] = [
  { pattern: '/', render: () => <EventsPage /> },
  { pattern: '/events/:id', render: (p) => <EventPage idOrCode={p.id} /> },
  {
    pattern: '/holds/:id',
    render: (p) => (
      <RequireAuth>
        <HoldPage id={p.id} />
      </RequireAuth>
    ),
  },
  { pattern: '/login', render: () => <LoginPage /> },
  { pattern: '/signup', render: () => <SignupPage /> },
  {
    pattern: '/my/tickets',
    render: () => (
      <RequireAuth>
        <MyTicketsPage />
      </RequireAuth>
    ),
  },
  {
    pattern: '/organizer',
    render: () => (
      <RequireAuth roles={staff}>
        <OrganizerEventsPage />
      </RequireAuth>
    ),
  },
  {
    pattern: '/organizer/events/new',
    render: () => (
      <RequireAuth roles={staff}>
        <EventFormPage />
      </RequireAuth>
    ),
  },
  {
    pattern: '/organizer/events/:id/edit',
    render: (p) => (
      <RequireAuth roles={staff}>
        <EventFormPage id={p.id} />
      </RequireAuth>
    ),
  },
  {
    pattern: '/organizer/events/:id/sales',
    render: (p) => (
      <RequireAuth roles={staff}>
        <SalesPage id={p.id} />
      </RequireAuth>
    ),
  },
  {
    pattern: '/organizer/events/:id/checkin',
    render: (p) => (
      <RequireAuth roles={staff}>
        <CheckInPage id={p.id} />
      </RequireAuth>
    ),
  },
  {
    pattern: '/registration',
    render: () => (
      <RequireAuth roles={staff}>
        <RegistrationListPage />
      </RequireAuth>
    ),
  },
  {
    pattern: '/registration/:id',
    render: (p) => (
      <RequireAuth roles={staff}>
        <RegistrationEventPage id={p.id} />
      </RequireAuth>
    ),
  },
  ...(
    [
      ['/rail', () => <RailSearchPage />],
      ['/rail/watches', () => <RailWatchesPage />],
      ['/rail/reservations', () => <RailReservationsPage />],
      ['/rail/settings', () => <RailSettingsPage />],
    ] as const
  ).map(([pattern, page]) => ({ pattern, render: () => <RequireAuth>{page()}</RequireAuth> })),
  {
    pattern: '/admin/users',
    render: () => (
      <RequireAuth roles={['admin']}>
        <AdminUsersPage />
      </RequireAuth>
    ),
  },
  {
    pattern: '/admin/events/dead',
    render: () => (
      <RequireAuth roles={['admin']}>
        <DeadLettersPage />
      </RequireAuth>
    ),
  },
  { pattern: '/mailbox', render: () => <MailboxPage /> },
  { pattern: '/mailbox/:id', render: (p) => <MailboxPage id={Number(p.id)} /> },
];

function NavLink({ to, k, path }: { to: string; k: Key; path: string }) {
  const { t } = useI18n();
  const active = to === '/' ? path === '/' || path.startsWith('/events') : path.startsWith(to);
  return (
    <Link to={to} className={active ? 'nav-link active' : 'nav-link'}>
      {t(k)}
    </Link>
  );
}

function Header({ path }: { path: string }) {
  const { t, lang, setLang } = useI18n();
  const { user, logout } = useAuth();
  // The registration pages also speak 中文: the one switch offers it there.
  const zh = useRegZh();
  const regPage = path.startsWith('/registration');
  const zhOn = regPage && zh.active;
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand" aria-label="yeyak">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="brand-name">yeyak</span>
          <span className="brand-ko">예약</span>
        </Link>
        <nav className="nav" aria-label="main">
          <NavLink to="/" k="nav.events" path={path} />
          {user && <NavLink to="/my/tickets" k="nav.myTickets" path={path} />}
          {isOrganizer(user) && <NavLink to="/organizer" k="nav.organizer" path={path} />}
          {isOrganizer(user) && <NavLink to="/registration" k="nav.registration" path={path} />}
          {user && <NavLink to="/rail" k="nav.rail" path={path} />}
          <NavLink to="/mailbox" k="nav.mailbox" path={path} />
          {user?.role === 'admin' && <NavLink to="/admin/users" k="nav.users" path={path} />}
        </nav>
        <div className="topbar-right">
          <fieldset className="lang-switch" aria-label={t('nav.language')}>
            {(['ko', 'en'] as const).map((l) => (
              <button
                key={l}
                type="button"
                className={lang === l && !zhOn ? 'active' : ''}
                aria-pressed={lang === l && !zhOn}
                onClick={() => {
                  zh.set(false);
                  setLang(l);
                }}
              >
                {l.toUpperCase()}
              </button>
            ))}
            {regPage && (
              <button
                type="button"
                lang="zh-TW"
                className={zhOn ? 'active' : ''}
                aria-pressed={zhOn}
                onClick={() => zh.set(true)}
              >
                中文
              </button>
            )}
          </fieldset>
          {user ? (
            <div className="user-box">
              <span className="user-name" data-testid="user-name">
                {user.name || user.email}
                <span className={`role role-${user.role}`}>{t(`role.${user.role}`)}</span>
              </span>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={async () => {
                  await logout();
                  navigate('/');
                }}
              >
                {t('nav.logout')}
              </button>
            </div>
          ) : (
            <div className="user-box">
              <Link to="/login" className="btn btn-small btn-ghost">
                {t('nav.login')}
              </Link>
              <Link to="/signup" className="btn btn-small btn-primary">
                {t('nav.signup')}
              </Link>
            </div>
          )}
        </div>
      </div>
    </header>
  );
}

export function App() {
  const { path } = useLocation();
  const { t } = useI18n();
  let page: ReactNode;
  for (const r of routes) {
    const params = match(r.pattern, path);
    if (params) {
      page = r.render(params);
      break;
    }
  }
  return (
    <>
      <Header path={path} />
      <DemoBanner />
      <main className="container">
        <div key={path.startsWith('/mailbox') ? 'mailbox' : path}>
          {page ?? (
            <div className="card narrow center">
              <h1>{t('notFound.title')}</h1>
              <Link to="/" className="btn btn-primary">
                {t('common.goHome')}
              </Link>
            </div>
          )}
        </div>
      </main>
      <footer className="footer">
        yeyak · {t('app.tagline')} · <a href="/docs">API</a>
      </footer>
    </>
  );
}
