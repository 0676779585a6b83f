import { guarded, type ModulePages } from '../../module.tsx';
import { AdminApplicationsPage } from './Applications.tsx';
import { AdminCounselorsPage } from './Counselors.tsx';
import { consultAdminWords } from './i18n.ts';
import { ConsultAdminMenuPage } from './Menu.tsx';
import { AdminPushPage } from './Push.tsx';

/** The marketplace admin menu and its counselors, applications and push pages. */
export const consultAdminPages: ModulePages = {
  routes: [
    guarded('/consult/admin', () => <ConsultAdminMenuPage />, ['admin']),
    guarded('/consult/admin/counselors', () => <AdminCounselorsPage />, ['admin']),
    guarded('/consult/admin/applications', () => <AdminApplicationsPage />, ['admin']),
    guarded('/consult/admin/push', () => <AdminPushPage />, ['admin']),
  ],
  nav: [],
  words: consultAdminWords,
};
