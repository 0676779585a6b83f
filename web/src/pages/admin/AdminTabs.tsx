import { useI18n } from '../../i18n.tsx';
import { Link, useLocation } from '../../router.tsx';

const tabs = [
  { to: '/admin/users', ko: '사용자', en: 'Users' },
  { to: '/admin/settings', ko: '설정', en: 'Settings' },
  { to: '/admin/payments', ko: '결제', en: 'Payments' },
  { to: '/admin/log', ko: '서버 로그', en: 'Server log' },
  { to: '/admin/events/dead', ko: '전달 실패', en: 'Dead letters' },
] as const;

/** The admin pages' own menu, on top of each of them. */
export function AdminTabs() {
  const { lang } = useI18n();
  const { path } = useLocation();
  return (
    <nav className="admin-tabs" aria-label={lang === 'ko' ? '관리 메뉴' : 'Administration'}>
      {tabs.map((tab) => (
        <Link key={tab.to} to={tab.to} className={path.startsWith(tab.to) ? 'admin-tab active' : 'admin-tab'}>
          {lang === 'ko' ? tab.ko : tab.en}
        </Link>
      ))}
    </nav>
  );
}
