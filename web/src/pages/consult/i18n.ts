import type { Words } from '../../i18n.tsx';

/** The marketplace shell's words: its link in the top bar, its tabs. Each area has its own i18n file. */
const ko = {
  'nav.consult': '상담',
  'consult.menu': '상담 메뉴',
  'consult.tabs.home': '홈',
  'consult.tabs.counselors': '상담사',
  'consult.tabs.chats': '채팅',
  'consult.tabs.board': '게시판',
  'consult.tabs.profile': '내 정보',
  'consult.points': '{n}P',
};

type ConsultShellKey = keyof typeof ko;

const en: Record<ConsultShellKey, string> = {
  'nav.consult': 'Consult',
  'consult.menu': 'Consultation menu',
  'consult.tabs.home': 'Home',
  'consult.tabs.counselors': 'Counselors',
  'consult.tabs.chats': 'Chats',
  'consult.tabs.board': 'Board',
  'consult.tabs.profile': 'Me',
  'consult.points': '{n} P',
};

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    consultShell: ConsultShellKey;
  }
}

export const consultShellWords: Words<ConsultShellKey> = { ko, en };
