import { guarded, type ModulePages } from '../module.tsx';
import { railShellWords } from './i18n.ts';
import { RailReservationsPage } from './Reservations.tsx';
import { RailSearchPage } from './Search.tsx';
import { RailSettingsPage } from './Settings.tsx';
import { RailWatchesPage } from './Watches.tsx';

/** Rail: search and reserve SRT/Korail trains, watches, reservations and notification settings. */
export const railPages: ModulePages = {
  routes: [
    guarded('/rail', () => <RailSearchPage />),
    guarded('/rail/watches', () => <RailWatchesPage />),
    guarded('/rail/reservations', () => <RailReservationsPage />),
    guarded('/rail/settings', () => <RailSettingsPage />),
  ],
  nav: [{ to: '/rail', k: 'nav.rail', show: (user) => !!user }],
  words: railShellWords,
};
