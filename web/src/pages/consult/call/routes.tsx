import { guarded, type ModulePages } from '../../module.tsx';
import { CallStartPage } from './CallStart.tsx';
import { CallPage } from './CallStatus.tsx';
import { CallsPage } from './Calls.tsx';
import { consultCallWords } from './i18n.ts';

/** Phone consultations: before and starting a call, then the call until its bill. */
export const consultCallPages: ModulePages = {
  routes: [
    guarded('/consult/counselors/:id/call', (p) => <CallStartPage counselorId={p.id} />),
    guarded('/consult/calls', () => <CallsPage />),
    guarded('/consult/calls/:id', (p) => <CallPage id={p.id} />),
  ],
  nav: [],
  words: consultCallWords,
};
