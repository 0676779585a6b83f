import type { Texts } from '../index.ts';

/** The words of the tickets module's mails and notices (the templates only fill them in). */
export const ticketsMail = {
  'tickets.mail_won': { ko: '{amount}원', en: '₩{amount}' },
  'tickets.mail_reservation': { ko: '예매번호', en: 'Reservation' },
  'tickets.mail_ticket': { ko: '권종', en: 'Ticket' },
  'tickets.mail_price': { ko: '단가', en: 'Price' },
  'tickets.mail_total': { ko: '합계', en: 'Total' },
  'tickets.mail_my_tickets': { ko: '내 티켓 보기', en: 'My tickets' },
  'tickets.mail_confirmed_subject': {
    ko: '[yeyak] 예매 확인 · {title} {date} {time}',
    en: '[yeyak] Reservation confirmed · {title} {date} {time}',
  },
  'tickets.mail_show_at_door': { ko: '입장 시 이 QR 코드를 보여 주세요.', en: 'Show this code at the door.' },
  'tickets.mail_reservation_no': { ko: '예매번호 {id}', en: 'Reservation no. {id}' },
  'tickets.mail_entry_code': { ko: '입장 코드: {code}', en: 'Entry code: {code}' },
  'tickets.mail_cancelled_subject': {
    ko: '[yeyak] 예매 취소 · {title} {date} {time}',
    en: '[yeyak] Reservation cancelled · {title} {date} {time}',
  },
  'tickets.mail_cancelled_heading': { ko: '예매를 취소했습니다', en: 'Reservation cancelled' },
  'tickets.mail_cancelled_at': { ko: '취소 시각', en: 'Cancelled' },
  'tickets.mail_cancelled_body': {
    ko: '좌석은 다른 분께 돌아갔고, 이 예매의 QR 코드로는 더 이상 입장할 수 없습니다.',
    en: "The seats went back on sale; this reservation's QR code no longer opens the door.",
  },
  'tickets.mail_cancelled_no': { ko: '예매번호 {id}: 취소되었습니다', en: 'Reservation no. {id}: cancelled' },
  'tickets.mail_offer_subject': {
    ko: '[yeyak] 대기하신 좌석이 나왔습니다 · {title}',
    en: '[yeyak] Seats you waited for are free · {title}',
  },
  'tickets.mail_offer_heading': { ko: '대기하신 좌석이 나왔습니다', en: 'Seats you waited for are free' },
  'tickets.mail_offer_body': {
    ko: '{until}까지 좌석을 잡아 두었습니다. 그때까지 확정하지 않으면 다음 대기자에게 넘어갑니다.',
    en: 'We hold them for you until {until}; after that they pass to the next person waiting.',
  },
  'tickets.mail_offer_text': {
    ko: '{title} {date} {time}: {ticketType} × {quantity} 좌석을 {until}까지 확보해 두었습니다. 확정하기: {link}',
    en: '{title} {date} {time}: {ticketType} × {quantity} held for you until {until}. Confirm: {link}',
  },
  'tickets.mail_confirm': { ko: '확정하기', en: 'Confirm' },
  'tickets.mail_expired_subject': {
    ko: '[yeyak] 좌석 확보 시간이 지났습니다 · {title}',
    en: '[yeyak] Your held seats were released · {title}',
  },
  'tickets.mail_expired_heading': { ko: '좌석 확보 시간이 지났습니다', en: 'Your held seats were released' },
  'tickets.mail_expired_body': {
    ko: '{ticketType} × {quantity} 좌석을 {until}까지 확정하지 않아 좌석이 반납되었습니다. 아직 원하시면 공연 페이지에서 다시 예매하세요.',
    en: 'You did not confirm {ticketType} × {quantity} by {until}, so the seats went back on sale. If you still want them, start again on the event page.',
  },
  'tickets.mail_expired_offer_body': {
    ko: '대기 신청으로 잡아 둔 {ticketType} × {quantity} 좌석을 {until}까지 확정하지 않아 다음 대기자에게 넘어갔습니다.',
    en: 'You did not confirm the {ticketType} × {quantity} we held for you from the waiting list by {until}, so they passed to the next person waiting.',
  },
  'tickets.mail_event_page': { ko: '공연 페이지', en: 'Event page' },
} as const satisfies Record<string, Texts>;
