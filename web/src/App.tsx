import { type ReactNode, useEffect } from 'react';
import { api, type User } from './api.ts';
import { useAuth } from './auth.tsx';
import { DemoBanner } from './demo.tsx';
import { addWords, type Key, useI18n } from './i18n.tsx';
import { SiteNotice } from './notice.tsx';
import { AccountPage } from './pages/account/Account.tsx';
import { accountWords } from './pages/account/i18n.ts';
import { FindAccountPage, ForgotPasswordPage } from './pages/account/Recovery.tsx';
import { AdminHomePage } from './pages/admin/AdminTabs.tsx';
import { DeadLettersPage } from './pages/admin/DeadLetters.tsx';
import { AdminLogPage } from './pages/admin/Log.tsx';
import { AdminPaymentsPage } from './pages/admin/Payments.tsx';
import { AdminSettingsPage } from './pages/admin/Settings.tsx';
import { AdminUsersPage } from './pages/admin/Users.tsx';
import { consultAreas } from './pages/consult/routes.tsx';
import { LoginPage, SignupPage } from './pages/Login.tsx';
import { MailboxPage } from './pages/Mailbox.tsx';
import { guarded, type ModulePages, type PageRoute } from './pages/module.tsx';
import { NotificationBell, NotificationsPage } from './pages/Notifications.tsx';
import { oauthPages } from './pages/oauth/routes.tsx';
import { paymentsWords } from './pages/payments/i18n.ts';
import { PaymentResultPage } from './pages/payments/Result.tsx';
import { startAppBridge, tellAppLoggedOut } from './pages/push/bridge.ts';
import { pushWords } from './pages/push/i18n.ts';
import { PushSettingsPage } from './pages/push/Settings.tsx';
import { railPages } from './pages/rail/routes.tsx';
import { useRegZh } from './pages/registration/i18n.ts';
import { registrationPages } from './pages/registration/routes.tsx';
import { ticketsPages } from './pages/tickets/routes.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { useAutoTitle } from './title.ts';
import { Welcome } from './welcome.tsx';

/** Every module's pages (web/src/pages/<module>/routes.tsx); adding a module is one line here. */
const modulePages: ModulePages[] = [ticketsPages, registrationPages, railPages, oauthPages, ...consultAreas];
for (const m of modulePages) if (m.words) addWords(m.words);
addWords(paymentsWords);
addWords(accountWords);
addWords(pushWords);

/** The platform's own pages: accounts, notifications, the mailbox, administration. */
const platformPages: ModulePages = {
  routes: [
    { pattern: '/login', render: () => <LoginPage /> },
    { pattern: '/signup', render: () => <SignupPage /> },
    guarded('/admin', () => <AdminHomePage />, ['admin']),
    { pattern: '/forgot-password', render: () => <ForgotPasswordPage /> },
    { pattern: '/find-account', render: () => <FindAccountPage /> },
    guarded('/account', () => <AccountPage />),
    guarded('/admin/users', () => <AdminUsersPage />, ['admin']),
    guarded('/admin/events/dead', () => <DeadLettersPage />, ['admin']),
    guarded('/admin/settings', () => <AdminSettingsPage />, ['admin']),
    guarded('/admin/log', () => <AdminLogPage />, ['admin']),
    guarded('/admin/payments', () => <AdminPaymentsPage />, ['admin']),
    guarded('/payments/result/:id', (p) => <PaymentResultPage id={p.id} />),
    guarded('/notifications', () => <NotificationsPage />),
    guarded('/account/notifications', () => <PushSettingsPage />),
    { pattern: '/mailbox', render: () => <MailboxPage /> },
    { pattern: '/mailbox/:id', render: (p) => <MailboxPage id={Number(p.id)} /> },
  ],
  nav: [
    { to: '/mailbox', k: 'nav.mailbox', show: () => true },
    { to: '/admin', k: 'nav.admin', show: (user) => user?.role === 'admin' },
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
  const { user, logout, update } = useAuth();
  // The registration pages also speak 中文: the one switch offers it there.
  const zh = useRegZh();
  const regPage = path.startsWith('/registration');
  const zhOn = regPage && zh.active;
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand">
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
                  // Logged in, the switch is also the language of this user's mails and notices.
                  if (user && (user.lang ?? 'ko') !== l)
                    api<{ user: User }>('PATCH', '/api/auth/profile', { lang: l })
                      .then((d) => update(d.user))
                      .catch(() => {});
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
              <Link to="/account" className="user-name" data-testid="user-name" title={t('nav.account')}>
                {user.nickname || user.name || user.email}
                <span className={`role role-${user.role}`}>{t(`role.${user.role}`)}</span>
              </Link>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={async () => {
                  await logout();
                  tellAppLoggedOut();
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
  const { t, lang } = useI18n();
  const { user, ready } = useAuth();
  useAutoTitle(path, lang);
  // Inside the Flutter app: hand its FCM token to the server once someone is logged in.
  useEffect(() => (user ? startAppBridge() : undefined), [user?.id]);
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
        {path === '/' && ready && !user && <Welcome />}
        <div key={path.startsWith('/mailbox') ? 'mailbox' : path} id={path === '/' ? 'events' : undefined}>
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
