import type { Words } from '../../../i18n.tsx';

/** `/consult/profile`: the user's own page in the marketplace. */
const ko = {
  'consult.profile.title': '내 정보',
  'consult.profile.picture': '프로필 사진',
  'consult.profile.noPicture': '사진 없음',
  'consult.profile.about': '프로필',
  'consult.profile.nickname': '닉네임',
  'consult.profile.nicknameHint': '2–20자, 다른 사람과 겹치지 않게',
  'consult.profile.intro': '소개',
  'consult.profile.phone': '휴대폰 번호',
  'consult.profile.phoneHint': '전화 상담을 거는 번호 (예: 010-1234-5678)',
  'consult.profile.save': '저장',
  'consult.profile.saved': '저장했습니다.',
  'consult.profile.points': '포인트',
  'consult.profile.buy': '포인트 충전',
  'consult.profile.purchases': '충전 내역',
  'consult.profile.statement': '포인트 내역',
  'consult.profile.noStatement': '아직 포인트 내역이 없습니다.',
  'consult.profile.kind.signup_bonus': '가입 보너스',
  'consult.profile.kind.purchase': '포인트 충전',
  'consult.profile.kind.purchase_bonus': '충전 보너스',
  'consult.profile.kind.purchase_refund': '환불 회수',
  'consult.profile.kind.other': '포인트 사용',
  'consult.profile.walletPaid': '충전',
  'consult.profile.walletBonus': '보너스',
  'consult.profile.pending': '대기',
  'consult.profile.voided': '취소됨',
  'consult.profile.settings': '설정',
  'consult.profile.consents': '알림·마케팅 수신 동의',
  'consult.profile.account': '계정 · 회원 탈퇴',
} as const;

export type ConsultProfileKey = keyof typeof ko;

const en: Record<ConsultProfileKey, string> = {
  'consult.profile.title': 'Me',
  'consult.profile.picture': 'Profile picture',
  'consult.profile.noPicture': 'No picture',
  'consult.profile.about': 'Profile',
  'consult.profile.nickname': 'Nickname',
  'consult.profile.nicknameHint': '2–20 characters, not taken by anyone else',
  'consult.profile.intro': 'About you',
  'consult.profile.phone': 'Mobile phone',
  'consult.profile.phoneHint': 'The number you call consultations from (e.g. 010-1234-5678)',
  'consult.profile.save': 'Save',
  'consult.profile.saved': 'Saved.',
  'consult.profile.points': 'Points',
  'consult.profile.buy': 'Buy points',
  'consult.profile.purchases': 'Purchases',
  'consult.profile.statement': 'Points statement',
  'consult.profile.noStatement': 'No points movements yet.',
  'consult.profile.kind.signup_bonus': 'Welcome bonus',
  'consult.profile.kind.purchase': 'Points bought',
  'consult.profile.kind.purchase_bonus': 'Purchase bonus',
  'consult.profile.kind.purchase_refund': 'Taken back on refund',
  'consult.profile.kind.other': 'Points spent',
  'consult.profile.walletPaid': 'paid',
  'consult.profile.walletBonus': 'bonus',
  'consult.profile.pending': 'set aside',
  'consult.profile.voided': 'cancelled',
  'consult.profile.settings': 'Settings',
  'consult.profile.consents': 'Notification and marketing consents',
  'consult.profile.account': 'Account · delete account',
};

declare module '../../../i18n.tsx' {
  interface ModuleKeys {
    consultProfile: ConsultProfileKey;
  }
}

export const consultProfileWords: Words<ConsultProfileKey> = { ko, en };
