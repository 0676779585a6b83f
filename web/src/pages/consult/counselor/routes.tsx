import { guarded, type ModulePages } from '../../module.tsx';
import { ApplyPage } from './Apply.tsx';
import { consultCounselorWords } from './i18n.ts';
import { MyCounselorPage } from './MyCounselor.tsx';

/** Applying as a counselor (anyone) and a counselor's own profile. */
export const consultCounselorPages: ModulePages = {
  routes: [
    { pattern: '/consult/apply', render: () => <ApplyPage /> },
    guarded('/consult/me/counselor', () => <MyCounselorPage />, ['counselor', 'admin']),
  ],
  nav: [],
  words: consultCounselorWords,
};
