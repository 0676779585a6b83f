import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Lang = 'ko' | 'en';

/**
 * The shell's words: the top bar, accounts, the mailbox, administration and common buttons. Each
 * module keeps its pages' words beside them (web/src/pages/<module>/i18n.ts), adds their keys to
 * ModuleKeys and hands them over in its ModulePages (`words`); App.tsx adds them here with addWords.
 */
const ko = {
  'app.name': '예약',
  'app.tagline': '공연 예매와 입장을 한 곳에서',
  'nav.mailbox': '메일함',
  'nav.users': '사용자',
  'nav.admin': '관리',
  'nav.login': '로그인',
  'nav.signup': '회원가입',
  'nav.logout': '로그아웃',
  'nav.language': 'Language',
  'role.user': '회원',
  'role.organizer': '기획자',
  'role.admin': '관리자',
  'common.loading': '불러오는 중…',
  'common.retry': '다시 시도',
  'common.back': '뒤로',
  'common.save': '저장',
  'common.cancel': '취소',
  'common.close': '닫기',
  'common.refresh': '새로고침',
  'common.yes': '예',
  'common.no': '아니요',
  'common.remove': '삭제',
  'common.download': '내려받기',
  'common.total': '합계',
  'common.none': '없음',
  'common.notFound': '찾을 수 없습니다.',
  'common.table': '표',
  'common.loginRequired': '로그인이 필요합니다.',
  'common.forbidden': '이 페이지를 볼 권한이 없습니다.',
  'common.errorTitle': '요청을 처리하지 못했습니다',
  'common.fieldErrors': '입력값을 확인해 주세요:',
  'common.fieldsMarked': '빨간색으로 표시된 칸 {n}개를 확인해 주세요.',
  'common.network': '서버에 연결할 수 없습니다.',
  'common.goHome': '공연 목록으로',
  'auth.loginTitle': '로그인',
  'auth.signupTitle': '회원가입',
  'auth.verifyTitle': '이메일 인증',
  'auth.email': '이메일',
  'auth.password': '비밀번호',
  'auth.passwordHint': '8자 이상',
  'auth.name': '이름 (선택)',
  'auth.login': '로그인',
  'auth.signup': '가입하기',
  'auth.noAccount': '계정이 없으신가요?',
  'auth.haveAccount': '이미 계정이 있으신가요?',
  'auth.code': '인증 코드 (6자리)',
  'auth.verify': '인증하기',
  'auth.resend': '코드 다시 보내기',
  'auth.resent': '새 코드를 보냈습니다.',
  'auth.codeSent': '{email}(으)로 6자리 인증 코드를 보냈습니다.',
  'auth.demoHint':
    '데모 모드에서는 메일이 실제로 발송되지 않습니다. 메일함에서 데모 관리자로 로그인해 코드를 확인하세요.',
  'auth.openMailbox': '메일함 열기',
  'auth.notVerified': '아직 이메일 인증이 끝나지 않았습니다. 메일로 받은 코드를 입력하세요.',
  'auth.wrong': '이메일 또는 비밀번호가 올바르지 않습니다.',
  'mail.title': '메일함',
  'mail.subtitle': '내장 메일함: 서버가 나에게 보낸 메일이 여기에 쌓입니다 (관리자는 모든 메일).',
  'mail.empty': '메일이 없습니다.',
  'mail.from': '보낸 사람',
  'mail.to': '받는 사람',
  'mail.date': '날짜',
  'mail.attachments': '첨부 파일',
  'mail.raw': '원본(.eml) 내려받기',
  'mail.pick': '왼쪽에서 메일을 고르세요.',
  'mail.autoRefresh': '5초마다 자동으로 새로고침합니다.',
  'admin.users.title': '사용자 관리',
  'admin.users.subtitle':
    '계정을 찾고 역할과 상태를 바꾸거나, 관리자 메모를 남기거나, 인증된 계정을 만듭니다.',
  'admin.users.search': '이메일, 닉네임 또는 이름으로 찾기',
  'admin.users.searchButton': '찾기',
  'admin.users.empty': '맞는 사용자가 없습니다.',
  'admin.users.role': '역할',
  'admin.users.state': '상태',
  'admin.users.created': '가입일',
  'admin.users.active': '사용 중',
  'admin.users.unverified': '인증 전',
  'admin.users.disabled': '정지됨',
  'admin.users.disable': '정지',
  'admin.users.enable': '다시 허용',
  'admin.users.disableAsk': '{email} 계정을 정지할까요? 로그인이 모두 끊깁니다.',
  'admin.users.count': '{total}명 · {page}/{pages}쪽',
  'admin.users.prev': '이전',
  'admin.users.next': '다음',
  'admin.users.add': '사용자 추가',
  'admin.users.addButton': '추가 (이메일 인증 완료 상태)',
  'admin.users.added': '{email} 계정을 만들었습니다.',
  'demo.banner': '데모 모드: 연습용 샌드박스입니다. 데이터는 실제가 아니며 메일은 밖으로 나가지 않습니다.',
  'demo.oneClick': '데모 계정으로 바로 로그인 (연습용 데이터)',
  'demo.asBuyer': '데모 구매자로 로그인',
  'demo.asOrganizer': '데모 기획자로 로그인',
  'demo.asCounselor': '데모 상담사로 로그인',
  'demo.asAdmin': '데모 관리자로 로그인',
  'demo.mailboxLogin': '메일함은 로그인한 본인의 메일만 보여 줍니다. 데모 계정으로 로그인해 메일함을 여세요.',
  'notFound.title': '페이지를 찾을 수 없습니다',
} as const;

type ShellKey = keyof typeof ko;

/**
 * Each module's keys, by module name, e.g. `tickets: TicketsKey`; every module fills in its own
 * entry from its i18n.ts by declaration merging, so adding a module's words touches no shared file.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module's i18n.ts
export interface ModuleKeys {}

export type Key = ShellKey | ModuleKeys[keyof ModuleKeys];

/** A module's words: one dictionary per language, with every key in each. */
export type Words<K extends string = string> = Record<Lang, Record<K, string>>;

const en: Record<ShellKey, string> = {
  'app.name': 'yeyak',
  'app.tagline': 'Tickets and check-in in one place',
  'nav.mailbox': 'Mailbox',
  'nav.users': 'Users',
  'nav.admin': 'Admin',
  'nav.login': 'Log in',
  'nav.signup': 'Sign up',
  'nav.logout': 'Log out',
  'nav.language': '언어',
  'role.user': 'member',
  'role.organizer': 'organiser',
  'role.admin': 'admin',
  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.back': 'Back',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.refresh': 'Refresh',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.remove': 'Remove',
  'common.download': 'Download',
  'common.total': 'Total',
  'common.none': 'None',
  'common.notFound': 'Not found.',
  'common.table': 'Table',
  'common.loginRequired': 'Please log in first.',
  'common.forbidden': 'You are not allowed to see this page.',
  'common.errorTitle': 'That did not work',
  'common.fieldErrors': 'Please check these fields:',
  'common.fieldsMarked': 'Please check the {n} field(s) marked in red.',
  'common.network': 'Cannot reach the server.',
  'common.goHome': 'Back to events',
  'auth.loginTitle': 'Log in',
  'auth.signupTitle': 'Sign up',
  'auth.verifyTitle': 'Verify your e-mail',
  'auth.email': 'E-mail',
  'auth.password': 'Password',
  'auth.passwordHint': 'at least 8 characters',
  'auth.name': 'Name (optional)',
  'auth.login': 'Log in',
  'auth.signup': 'Create account',
  'auth.noAccount': 'No account yet?',
  'auth.haveAccount': 'Already have an account?',
  'auth.code': 'Verification code (6 digits)',
  'auth.verify': 'Verify',
  'auth.resend': 'Send a new code',
  'auth.resent': 'A new code is on its way.',
  'auth.codeSent': 'We sent a 6-digit code to {email}.',
  'auth.demoHint':
    'In demo mode no mail leaves the server: open the Mailbox as the demo admin to find the code.',
  'auth.openMailbox': 'Open mailbox',
  'auth.notVerified': 'Your e-mail is not verified yet. Enter the code we mailed you.',
  'auth.wrong': 'Wrong e-mail or password.',
  'mail.title': 'Mailbox',
  'mail.subtitle': 'The built-in mailbox: mail the server sent you lands here (admins see all mail).',
  'mail.empty': 'No mail.',
  'mail.from': 'From',
  'mail.to': 'To',
  'mail.date': 'Date',
  'mail.attachments': 'Attachments',
  'mail.raw': 'Download original (.eml)',
  'mail.pick': 'Pick a message on the left.',
  'mail.autoRefresh': 'Refreshes every 5 seconds.',
  'admin.users.title': 'Users',
  'admin.users.subtitle':
    'Find accounts, change their role or state, keep an admin memo, add verified accounts.',
  'admin.users.search': 'Search by e-mail, nickname or name',
  'admin.users.searchButton': 'Search',
  'admin.users.empty': 'No matching users.',
  'admin.users.role': 'Role',
  'admin.users.state': 'State',
  'admin.users.created': 'Joined',
  'admin.users.active': 'active',
  'admin.users.unverified': 'not verified',
  'admin.users.disabled': 'suspended',
  'admin.users.disable': 'Suspend',
  'admin.users.enable': 'Reactivate',
  'admin.users.disableAsk': 'Suspend {email}? All their sessions end.',
  'admin.users.count': '{total} in all · page {page} of {pages}',
  'admin.users.prev': 'Previous',
  'admin.users.next': 'Next',
  'admin.users.add': 'Add a user',
  'admin.users.addButton': 'Add (e-mail already verified)',
  'admin.users.added': 'Created {email}.',
  'demo.banner': 'Demo mode: a sandbox to try things in. The data is not real and no mail leaves the server.',
  'demo.oneClick': 'Log in to a demo account with one click (sandbox data)',
  'demo.asBuyer': 'Log in as demo buyer',
  'demo.asOrganizer': 'Log in as demo organiser',
  'demo.asCounselor': 'Log in as demo counselor',
  'demo.asAdmin': 'Log in as demo admin',
  'demo.mailboxLogin':
    'The mailbox shows only your own mail once you log in. Log in to a demo account to open it.',
  'notFound.title': 'Page not found',
};

const dictionaries: Record<Lang, Record<string, string>> = { ko: { ...ko }, en: { ...en } };

/** Adds a module's words to the dictionaries (App.tsx, for every module's pages, before rendering). */
export function addWords(words: Words): void {
  for (const lang of ['ko', 'en'] as const) Object.assign(dictionaries[lang], words[lang]);
}

export type T = (key: Key, vars?: Record<string, string | number>) => string;

type I18n = { lang: Lang; setLang: (l: Lang) => void; t: T };

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = 'yeyak.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'ko' ? stored : 'ko';
}

export function translate(lang: Lang, key: Key, vars?: Record<string, string | number>): string {
  let s = dictionaries[lang][key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
