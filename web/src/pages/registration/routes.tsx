import { isOrganizer } from '../../auth.tsx';
import { guarded, type ModulePages, staff } from '../module.tsx';
import { EventPage } from './EventPage.tsx';
import { registrationShellWords } from './i18n.ts';
import { RegistrationListPage } from './Registration.tsx';

/** Registration: the organiser's KKTIX / yeyak-ticket connections and each one's attendees. */
export const registrationPages: ModulePages = {
  routes: [
    guarded('/registration', () => <RegistrationListPage />, staff),
    guarded('/registration/:id', (p) => <EventPage id={p.id} />, staff),
  ],
  nav: [{ to: '/registration', k: 'nav.registration', show: isOrganizer }],
  words: registrationShellWords,
};
