import type { Texts } from '../index.ts';

/** The words of the consult module's notices and mails (in-app, push, mail). */
export const consultNotices = {
  'consult.notice_points_amount': { ko: '{points}P', en: '{points} points' },
  'consult.notice_call_ended_title': { ko: '전화 상담이 끝났습니다', en: 'Your phone consultation ended' },
  'consult.notice_call_used': {
    ko: '{minutes}분 {seconds}초 · {points}P 사용',
    en: '{minutes} min {seconds} s · {points} points used',
  },
  'consult.notice_call_settled_title': { ko: '전화 상담 정산', en: 'Phone consultation settled' },
  'consult.notice_call_earned': {
    ko: '{minutes}분 {seconds}초 · {points}P 적립',
    en: '{minutes} min {seconds} s · {points} points earned',
  },
  'consult.notice_application_title': { ko: '새 상담사 지원서', en: 'New counselor application' },
  'consult.notice_points_title': { ko: '포인트가 충전되었습니다', en: 'Points credited' },
  'consult.notice_points': { ko: '{name}: {points}P', en: '{name}: {points} points' },
  'consult.notice_points_bonus': {
    ko: '{name}: {points}P + 보너스 {bonus}P',
    en: '{name}: {points} points + {bonus} bonus points',
  },
  'consult.notice_request_sent': { ko: '{counselor}님의 결제 요청', en: 'Payment request from {counselor}' },
  'consult.notice_request_sent_unnamed': {
    ko: '상담사의 결제 요청',
    en: 'Payment request from your counselor',
  },
  'consult.notice_request_paid': { ko: '결제가 완료되었습니다', en: 'Payment received' },
  'consult.notice_request_completed': { ko: '상담이 완료되었습니다', en: 'Consultation completed' },
  'consult.notice_leave_review': { ko: '후기를 남겨 주세요.', en: 'Please leave a review.' },
  'consult.notice_request_refunded': { ko: '결제가 환불되었습니다', en: 'Payment refunded' },
  'consult.notice_reminder': { ko: '곧 상담 시간입니다 ({at})', en: 'Your consultation starts soon ({at})' },
  'consult.notice_new_message': { ko: '새 메시지', en: 'New message' },
  'consult.notice_photo': { ko: '사진을 보냈습니다.', en: 'Sent a photo.' },
  'consult.mail_invite_subject': { ko: '[yeyak] 상담사 초대', en: '[yeyak] You are invited as a counselor' },
  'consult.mail_invite_welcome': {
    ko: '{name}님, yeyak 상담 마켓의 상담사로 등록되었습니다.',
    en: '{name}, you are now a counselor on the yeyak consultation marketplace.',
  },
  'consult.mail_invite_password': {
    ko: '비밀번호를 정하려면 따로 보내 드린 코드와 함께 {url} 에서 비밀번호를 설정하세요.',
    en: 'To log in, set a password at {url} with the code we mailed you separately.',
  },
} as const satisfies Record<string, Texts>;
