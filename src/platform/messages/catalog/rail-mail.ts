import type { Texts } from '../index.ts';

/** The words of rail's notices (mail, in-app, chat channels); the templates only fill them in. */
export const railMail = {
  'rail.mail_won': { ko: '{amount}원', en: '₩{amount}' },
  'rail.mail_reservation': { ko: '예약번호', en: 'Reservation' },
  'rail.mail_train': { ko: '열차', en: 'Train' },
  'rail.mail_class': { ko: '등급', en: 'Class' },
  'rail.mail_seats': { ko: '좌석', en: 'Seats' },
  'rail.mail_price': { ko: '금액', en: 'Price' },
  'rail.mail_pay_by': { ko: '결제 기한', en: 'Pay by' },
  'rail.mail_general': { ko: '일반실', en: 'Standard' },
  'rail.mail_special': { ko: '특실', en: 'First class' },
  'rail.mail_standby': { ko: '예약대기', en: 'Standby' },
  'rail.mail_seat': { ko: '{car}호차 {seat}', en: 'car {car} seat {seat}' },
  'rail.mail_seat_count': { ko: '{count}석', en: '{count} seats' },
  'rail.mail_special_instead': {
    ko: '일반실이 없어 특실로 예약했습니다 (요금이 더 높습니다).',
    en: 'No standard seat: reserved in first class (higher fare).',
  },
  'rail.mail_general_instead': {
    ko: '특실이 없어 일반실로 예약했습니다.',
    en: 'No first-class seat: reserved in standard class.',
  },
  'rail.mail_not_together': { ko: '좌석이 나란히 붙어 있지 않습니다.', en: 'The seats are not together.' },
  'rail.mail_reserved_heading': { ko: '좌석을 잡았습니다', en: 'Seat reserved' },
  'rail.mail_standby_heading': { ko: '예약대기를 신청했습니다', en: 'Standby request placed' },
  'rail.mail_granted_heading': { ko: '예약대기 좌석이 배정되었습니다', en: 'Standby seat granted' },
  'rail.mail_reserved_title': { ko: '[yeyak] {train} 좌석 확보', en: '[yeyak] {train} seat reserved' },
  'rail.mail_standby_title': { ko: '[yeyak] {train} 예약대기 신청', en: '[yeyak] {train} standby requested' },
  'rail.mail_granted_title': {
    ko: '[yeyak] {train} 예약대기 좌석 배정',
    en: '[yeyak] {train} standby seat granted',
  },
  'rail.mail_tell_when_granted': {
    ko: '좌석이 배정되면 알려 드립니다.',
    en: 'We tell you when a seat is granted.',
  },
  'rail.mail_pay_in_app': {
    ko: '결제 기한: {deadline} ({operator} 앱에서 결제하세요)',
    en: 'Pay by {deadline} in the {operator} app',
  },
  'rail.mail_standby_body': {
    ko: '예약대기 중입니다: 좌석이 배정되면 결제 기한과 함께 바로 알려 드립니다.',
    en: 'This is a standby request: we tell you at once when the operator grants a seat, with the payment deadline.',
  },
  'rail.mail_pay_body': {
    ko: '결제는 운영사({operator}) 앱에서 기한 안에 해 주세요. yeyak은 결제하지 않습니다.',
    en: "Pay in the operator's ({operator}) own app before the deadline; yeyak never pays.",
  },
  'rail.mail_my_reservations': { ko: '내 열차 예약', en: 'My rail reservations' },
  'rail.mail_my_watches': { ko: '내 감시', en: 'My watches' },
  'rail.mail_watch_stopped_heading': { ko: '감시를 멈췄습니다', en: 'Watch stopped' },
  'rail.mail_watch_stopped_title': {
    ko: '[yeyak] {operator} 감시 중단',
    en: '[yeyak] {operator} watch stopped',
  },
  'rail.mail_standby_ended_title': {
    ko: '[yeyak] {operator} 예약대기 종료',
    en: '[yeyak] {operator} standby ended',
  },
  'rail.mail_standby_ended': {
    ko: '예약대기 {pnr}가 좌석 없이 끝났습니다.',
    en: 'Standby {pnr} ended without a seat.',
  },
  'rail.mail_standby_ended_resumed': {
    ko: '예약대기 {pnr}가 좌석 없이 끝났습니다. 감시가 일반 좌석을 다시 찾습니다.',
    en: 'Standby {pnr} ended without a seat; the watch is trying for a seat again.',
  },
  'rail.mail_payment_due_title': {
    ko: '[yeyak] {train} 결제 기한 {minutes}분 전',
    en: '[yeyak] {train}: pay within {minutes} min',
  },
  'rail.mail_pay_or_cancelled': {
    ko: '{operator} 앱에서 결제하지 않으면 예약이 취소됩니다.',
    en: 'Pay in the {operator} app or the hold is cancelled.',
  },
  'rail.mail_hold_expired_title': {
    ko: '[yeyak] {train} 결제 기한 만료',
    en: '[yeyak] {train}: hold expired unpaid',
  },
  'rail.mail_hold_expired': {
    ko: '결제 기한({deadline})이 지나 예약이 취소되었습니다.',
    en: 'The payment deadline ({deadline}) passed: the operator cancelled the hold.',
  },
  'rail.mail_cancelled_heading': { ko: '예약을 취소했습니다', en: 'Reservation cancelled' },
  'rail.mail_cancelled_title': {
    ko: '[yeyak] {train} 예약 취소',
    en: '[yeyak] {train} reservation cancelled',
  },
  'rail.mail_cancelled_at': { ko: '{operator}에서 취소했습니다.', en: 'Cancelled at {operator}.' },
  'rail.mail_cancelled_body': {
    ko: '운영사에서 이 예약을 취소했습니다. 결제 전이었으므로 청구되는 금액은 없습니다.',
    en: 'The reservation was cancelled at the operator. It was unpaid, so nothing is charged.',
  },
  // Why a watch stopped (watch_failed events carry the code; older events carry only the English text).
  'rail.watch_deadline_passed': {
    ko: '감시 기한까지 좌석을 잡지 못했습니다.',
    en: 'deadline passed without a seat',
  },
  'rail.watch_no_train_left': {
    ko: '출발 전에 시도할 열차가 더 없습니다.',
    en: 'no train left to try before departure',
  },
  'rail.watch_blocked': {
    ko: '{operator}이(가) 이 서버를 차단했습니다 (운영사 메시지: {reason}). {operator} 감시를 모두 중지했고 {until}(한국 시간)까지 {operator}에 아무 요청도 보내지 않습니다. 우회 방법은 없으니 그 뒤에 감시를 다시 시작하세요.',
    en: '{operator} blocked us: {reason}. Every {operator} watch stopped; yeyak sends nothing to {operator} until {until} KST. There is no workaround: start the watch again after that.',
  },
  'rail.watch_bad_credentials': {
    ko: '{operator}이(가) 저장된 아이디나 비밀번호를 거부했습니다. 계정·알림 탭에서 계정을 고치세요.',
    en: '{operator} refused the saved id or password; update the account.',
  },
} as const satisfies Record<string, Texts>;
