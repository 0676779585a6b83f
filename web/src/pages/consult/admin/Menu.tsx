import { type Key, useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { Icon, type IconName } from '../../../section.tsx';
import { ConsultLayout } from '../Layout.tsx';
import './admin.css';

type Entry = { to: string; icon: IconName; k: Key; about: Key };

/** The marketplace's admin pages, in menu order (the platform's own pages among them). */
export const CONSULT_ADMIN_PAGES: readonly Entry[] = [
  { to: '/admin/users', icon: 'users', k: 'consult.cadmin.users', about: 'consult.cadmin.usersAbout' },
  {
    to: '/consult/admin/counselors',
    icon: 'users',
    k: 'consult.cadmin.counselors',
    about: 'consult.cadmin.counselorsAbout',
  },
  {
    to: '/consult/admin/applications',
    icon: 'ticket',
    k: 'consult.cadmin.applications',
    about: 'consult.cadmin.applicationsAbout',
  },
  {
    to: '/consult/admin/point-items',
    icon: 'card',
    k: 'consult.cadmin.pointItems',
    about: 'consult.cadmin.pointItemsAbout',
  },
  {
    to: '/consult/admin/purchases',
    icon: 'card',
    k: 'consult.cadmin.purchases',
    about: 'consult.cadmin.purchasesAbout',
  },
  {
    to: '/consult/admin/settlement',
    icon: 'log',
    k: 'consult.cadmin.settlement',
    about: 'consult.cadmin.settlementAbout',
  },
  { to: '/consult/admin/push', icon: 'alert', k: 'consult.cadmin.push', about: 'consult.cadmin.pushAbout' },
  { to: '/consult/admin/chats', icon: 'log', k: 'consult.cadmin.chats', about: 'consult.cadmin.chatsAbout' },
  {
    to: '/admin/settings',
    icon: 'settings',
    k: 'consult.cadmin.settings',
    about: 'consult.cadmin.settingsAbout',
  },
  { to: '/admin/log', icon: 'log', k: 'consult.cadmin.log', about: 'consult.cadmin.logAbout' },
];

/** On each of this area's admin pages: back to the menu. */
export function BackToAdmin() {
  const { t } = useI18n();
  return (
    <p className="ca-back">
      <Link to="/consult/admin" data-testid="consult-admin-back">
        {t('consult.cadmin.back')}
      </Link>
    </p>
  );
}

/** `/consult/admin`: one card per admin page, with what it is for. */
export function ConsultAdminMenuPage() {
  const { t } = useI18n();
  return (
    <ConsultLayout title={t('consult.cadmin.title')}>
      <ul className="admin-menu" aria-label={t('consult.cadmin.menu')} data-testid="consult-admin-menu">
        {CONSULT_ADMIN_PAGES.map((p) => (
          <li key={p.to}>
            <Link to={p.to} className="admin-card card">
              <Icon name={p.icon} size={28} />
              <span>
                <strong>{t(p.k)}</strong>
                <span className="muted small">{t(p.about)}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </ConsultLayout>
  );
}
