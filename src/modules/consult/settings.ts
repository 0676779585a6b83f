import { z } from 'zod';
import { defineSetting } from '../../platform/settings/spec.ts';

// The marketplace's runtime settings (keys consult.*), changed by admins at /admin/settings or the
// consult admin menu while yeyak runs.

const text = (max: number) => z.string().max(max, `at most ${max} characters`);

export const categories = defineSetting({
  key: 'consult.categories',
  schema: z
    .array(z.string().trim().min(1, 'not empty').max(20, 'at most 20 characters'))
    .min(1, 'at least one')
    .max(30, 'at most 30'),
  default: ['사주', '타로', '신점', '궁합', '작명', '풍수'],
  access: 'public',
  label: { en: 'Counselling categories', ko: '상담 분야' },
});

export const adminEmails = defineSetting({
  key: 'consult.adminEmails',
  schema: z.array(z.string().email('an e-mail address')).max(10, 'at most 10'),
  default: [],
  access: 'admin',
  label: { en: 'Addresses mailed about counselor applications', ko: '상담사 지원서를 받을 관리자 메일' },
});

export const contact = defineSetting({
  key: 'consult.contact',
  schema: text(4000),
  default: '',
  access: 'public',
  label: { en: 'Operator and business details (contact page)', ko: '운영자·사업자 정보 (고객센터 페이지)' },
});

export const terms = defineSetting({
  key: 'consult.terms',
  schema: text(50_000),
  default: '',
  access: 'public',
  label: { en: 'Terms of use', ko: '이용약관' },
});

export const signupBonus = defineSetting({
  key: 'consult.signupBonus',
  schema: z.number().int('whole points').min(0, 'not negative').max(1_000_000, 'at most 1,000,000'),
  default: 3000,
  access: 'admin',
  label: { en: 'Bonus points for a new member', ko: '신규 회원 보너스 포인트' },
});

export const callMinimumMinutes = defineSetting({
  key: 'consult.callMinimumMinutes',
  schema: z.number().int('whole minutes').min(1, 'at least 1').max(120, 'at most 120'),
  default: 10,
  access: 'public',
  label: {
    en: 'Minutes the balance must cover to start a call',
    ko: '전화 상담 시작에 필요한 최소 잔액(분)',
  },
});

export const callHoldMax = defineSetting({
  key: 'consult.callHoldMax',
  schema: z.number().int('whole points').min(1, 'at least 1').max(10_000_000, 'at most 10,000,000'),
  default: 100_000,
  access: 'admin',
  label: { en: 'Most points one call may hold', ko: '한 통화에 묶어 둘 최대 포인트' },
});

export const requestExpiryHours = defineSetting({
  key: 'consult.requestExpiryHours',
  schema: z.number().int('whole hours').min(1, 'at least 1').max(720, 'at most 720'),
  default: 48,
  access: 'admin',
  label: { en: 'Hours a payment request stays open', ko: '결제 요청 유효 시간(시간)' },
});

export const chatPollSeconds = defineSetting({
  key: 'consult.chatPollSeconds',
  schema: z.number().int('whole seconds').min(1, 'at least 1').max(60, 'at most 60'),
  default: 3,
  access: 'public',
  label: { en: 'Seconds between chat polls on a visible page', ko: '채팅 새로고침 간격(초)' },
});

export const syncMinutes = defineSetting({
  key: 'consult.syncMinutes',
  schema: z.number().int('whole minutes').min(1, 'at least 1').max(1440, 'at most 1,440'),
  default: 10,
  access: 'admin',
  label: { en: 'Minutes between counselor syncs with the 060 service', ko: '060 상담사 동기화 간격(분)' },
});

export const consultSettings = [
  categories,
  adminEmails,
  contact,
  terms,
  signupBonus,
  callMinimumMinutes,
  callHoldMax,
  requestExpiryHours,
  chatPollSeconds,
  syncMinutes,
];
