import type { Texts } from '../index.ts';

/** The consult module's messages. */
export const consult = {
  'consult.mobile_number': {
    ko: '010-1234-5678 같은 휴대전화 번호를 입력하세요.',
    en: 'a Korean mobile number such as 010-1234-5678',
  },
  'consult.phone_number': {
    ko: '010-1234-5678 같은 전화번호를 입력하세요.',
    en: 'a phone number such as 010-1234-5678',
  },
  'consult.call_min_points': {
    ko: '전화 상담을 시작하려면 {points}P 이상이 필요합니다.',
    en: 'a call needs at least {points} points',
  },
  'consult.not_taking_calls': {
    ko: '상담사가 지금 전화를 받을 수 없습니다.',
    en: 'this counselor is not taking calls now',
  },
  'consult.call_open': {
    ko: '이미 진행 중인 전화 상담이 있습니다.',
    en: 'you have a phone consultation open already',
  },
  'consult.no_060': { ko: '전화 상담이 설정되어 있지 않습니다.', en: 'no 060 phone service is configured' },
  'consult.in_call': { ko: '통화 중입니다.', en: 'you are in a call' },
  'consult.auto_online': {
    ko: '자동 접속이 켜져 있습니다. 직접 바꾸려면 자동 접속을 끄세요.',
    en: 'auto-online decides your status; turn it off to set it by hand',
  },
  'consult.other_counselor': {
    ko: '이 계정은 이미 다른 상담사와 연결되어 있습니다.',
    en: 'this account already acts as another counselor',
  },
  'consult.request_expired': { ko: '결제 요청이 만료되었습니다.', en: 'this request has expired' },
  'consult.request_completed': { ko: '이미 완료된 요청입니다.', en: 'this request is completed' },
  'consult.request_pending': { ko: '아직 결제되지 않은 요청입니다.', en: 'this request is not paid yet' },
  'consult.request_paid': { ko: '이미 결제된 요청입니다.', en: 'this request is paid already' },
  'consult.request_declined': { ko: '거절된 요청입니다.', en: 'this request was declined' },
  'consult.request_refunded': { ko: '환불된 요청입니다.', en: 'this request was refunded' },
  'consult.request_withdrawn': { ko: '상담사가 취소한 요청입니다.', en: 'this request was withdrawn' },
  'consult.own_request': { ko: '자신의 요청은 결제할 수 없습니다.', en: 'you cannot pay your own request' },
  'consult.chat_blocked': { ko: '차단된 채팅입니다.', en: 'this chat is blocked' },
  'consult.item_not_offered': { ko: '지금은 판매하지 않는 상품입니다.', en: 'this item is not offered now' },
  'consult.review_window': {
    ko: '후기는 완료 후 {days}일 안에 쓸 수 있습니다.',
    en: 'reviews are written within {days} days of completion',
  },
  'consult.counselor_not_found': { ko: '상담사를 찾을 수 없습니다.', en: 'counselor not found' },
} as const satisfies Record<string, Texts>;
