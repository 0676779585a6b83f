import type { ModulePages } from '../module.tsx';
import { consultAdminPages } from './admin/routes.tsx';
import { consultCallPages } from './call/routes.tsx';
import { consultChatPages } from './chat/routes.tsx';
import { consultCounselorPages } from './counselor/routes.tsx';
import { consultBrowsePages, consultNotFoundPages } from './home/routes.tsx';
import { consultShellWords } from './i18n.ts';
import { consultPointsPages } from './points/routes.tsx';
import { consultProfilePages } from './profile/routes.tsx';

// The marketplace's pages come in areas (points, chat, board, discovery, admin), each with its own
// routes and words in its folder; this list joins them. Adding an area is one line here.
const shell: ModulePages = {
  routes: [],
  nav: [{ to: '/consult', k: 'nav.consult', show: () => true }],
  words: consultShellWords,
};

// consultNotFoundPages catches every /consult address left over: keep it last.
export const consultAreas: ModulePages[] = [
  shell,
  consultPointsPages,
  consultProfilePages,
  consultChatPages,
  consultBrowsePages,
  consultCounselorPages,
  consultAdminPages,
  consultCallPages,
  consultNotFoundPages,
];
