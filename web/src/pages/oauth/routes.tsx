import type { ModulePages } from '../module.tsx';
import { OAuthHandoffPage } from './Handoff.tsx';
import { oauthWords } from './i18n.ts';

/** Social sign-in: the page a provider's sign-in comes back to, and the words of the buttons. */
export const oauthPages: ModulePages = {
  routes: [{ pattern: '/login/oauth', render: () => <OAuthHandoffPage /> }],
  nav: [],
  words: oauthWords,
};
