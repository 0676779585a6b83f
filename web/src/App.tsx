import type { ReactNode } from 'react';
import { useAuth } from './auth.tsx';
import { DemoBanner } from './demo.tsx';
import { addWords, type Key, useI18n } from './i18n.tsx';
import { SiteNotice } from './notice.tsx';
import { DeadLettersPage } from './pages/admin/DeadLetters.tsx';
import { AdminLogPage } from './pages/admin/Log.tsx';
import { AdminSettingsPage } from './pages/admin/Settings.tsx';
import { AdminUsersPage } from './pages/admin/Users.tsx';
import { LoginPage, SignupPage } from './pages/Login.tsx';
import { MailboxPage } from './pages/Mailbox.tsx';
import { guarded, type ModulePages, type PageRoute } from './pages/module.tsx';
import { NotificationBell, NotificationsPage } from './pages/Notifications.tsx';
import { oauthPages } from './pages/oauth/routes.tsx';
import { railPages } from './pages/rail/routes.tsx';
import { useRegZh } from './pages/registration/i18n.ts';
import { registrationPages } from './pages/registration/routes.tsx';
import { ticketsPages } from './pages/tickets/routes.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';

/** Every module's pages (web/src/pages/<module>/routes.tsx); adding a module is one line here. */
const modulePages: ModulePages[] = [ticketsPages, registrationPages, railPages, oauthPages];
for (const m of modulePages) if (m.words) addWords(m.words);

/** The platform's own pages: accounts, notifications, the mailbox, administration. */
const platformPages: ModulePages = {
  routes: [
    { pattern: '/login', render: () => <LoginPage /> },
    { pattern: '/signup', render: () => <SignupPage /> },
    guarded('/admin/users', () => <AdminUsersPage />, ['admin']),
    guarded('/admin/events/dead', () => <DeadLettersPage />, ['admin']),
    guarded('/admin/settings', () => <AdminSettingsPage />, ['admin']),
    guarded('/admin/log', () => <AdminLogPage />, ['admin']),
    guarded('/notifications', () => <NotificationsPage />),
    { pattern: '/mailbox', render: () => <MailboxPage /> },
    { pattern: '/mailbox/:id', render: (p) => <MailboxPage id={Number(p.id)} /> },
  ],
  nav: [
    { to: '/mailbox', k: 'nav.mailbox', show: () => true },
    { to: '/admin/users', k: 'nav.users', show: (user) => user?.role === 'admin' },
  ],
};

const routes: PageRoute[] = [...modulePages, platformPages].flatMap((m) => m.routes);
const nav = [...modulePages, platformPages].flatMap((m) => m.nav);

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
          {nav
            .filter((n) => n.show(user))
            .map((n) => (
              <NavLink key={n.to} to={n.to} k={n.k} path={path} />
            ))}
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
              <NotificationBell key={user.id} />
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
      <SiteNotice />
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
