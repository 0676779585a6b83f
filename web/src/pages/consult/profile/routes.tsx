import { guarded, type ModulePages } from '../../module.tsx';
import { consultProfileWords } from './i18n.ts';
import { ConsultProfilePage } from './Profile.tsx';

/** The user's own marketplace page. */
export const consultProfilePages: ModulePages = {
  routes: [guarded('/consult/profile', () => <ConsultProfilePage />)],
  nav: [],
  words: consultProfileWords,
};
