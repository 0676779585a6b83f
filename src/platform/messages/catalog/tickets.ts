import type { Texts } from '../index.ts';

/** The tickets module's messages. */
export const tickets = {
  'tickets.sold_out': { ko: '매진되었습니다.', en: 'sold out' },
  'tickets.sold_out_left': { ko: '남은 좌석이 {left}석뿐입니다.', en: 'sold out: only {left} left' },
  'tickets.not_enough_left': { ko: '매진되었습니다.', en: 'sold out: not enough tickets left' },
  'tickets.hold_expired': {
    ko: '확보 시간이 지나 좌석이 반납되었습니다. 처음부터 다시 하세요.',
    en: 'this hold has expired and its seats were released; start again',
  },
  'tickets.hold_done': {
    ko: '이미 처리된 좌석 확보입니다 ({status}).',
    en: 'this hold is {status}; start again',
  },
  'tickets.already_waiting': {
    ko: '이미 대기 신청한 권종입니다.',
    en: 'you are already on the waiting list for this ticket type',
  },
  'tickets.available_instead': {
    ko: '지금 {available}석을 바로 예매할 수 있습니다. 대기 대신 예매하세요.',
    en: '{available} tickets are available: reserve them instead of waiting',
  },
  'tickets.more_than_quota': {
    ko: '이 권종의 전체 수량 {quota}장보다 많습니다.',
    en: 'more than the {quota} tickets of this type',
  },
  'tickets.code_taken': {
    ko: '공연 코드 {code}은(는) 이미 사용 중입니다.',
    en: 'event code {code} is already taken',
  },
  'tickets.not_organiser': { ko: '이 공연의 기획자가 아닙니다.', en: 'you do not organise this event' },
  'tickets.no_showtime': { ko: '이 공연에 없는 회차입니다.', en: 'no such showtime in this event' },
  'tickets.no_ticket_type': { ko: '이 회차에 없는 권종입니다.', en: 'no such ticket type in this showtime' },
  'tickets.quota_below_sold': {
    ko: '이미 팔렸거나 확보된 {sold}장보다 적게 할 수 없습니다.',
    en: 'cannot be below the {sold} tickets already sold or held',
  },
  'tickets.type_has_reservations': {
    ko: '예매가 있는 권종({name})은 삭제할 수 없습니다. 수량을 조정하세요.',
    en: 'ticket type "{name}" has reservations and cannot be removed; set its quota instead',
  },
  'tickets.add_showtime': { ko: '회차를 하나 이상 추가하세요.', en: 'add at least one showtime' },
  'tickets.same_start': {
    ko: '같은 시각에 시작하는 회차가 있습니다.',
    en: 'two showtimes start at the same time',
  },
  'tickets.add_ticket_type': { ko: '권종을 하나 이상 추가하세요.', en: 'add at least one ticket type' },
  'tickets.duplicate_type_name': { ko: '권종 이름이 중복됩니다.', en: 'duplicate ticket type name' },
  'tickets.unknown_timezone': { ko: '알 수 없는 시간대입니다.', en: 'unknown time zone' },
  'tickets.showtime_started': { ko: '이미 시작한 회차입니다.', en: 'this showtime has already started' },
  'tickets.sales_closed': {
    ko: '이미 시작한 회차라 판매가 끝났습니다.',
    en: 'this showtime has already started; sales are closed',
  },
  'tickets.cannot_cancel_started': {
    ko: '이미 시작한 회차라 취소할 수 없습니다.',
    en: 'the showtime has started; it can no longer be cancelled',
  },
  'tickets.ticket_used': {
    ko: '이미 입장에 사용된 티켓입니다.',
    en: 'this ticket was already used at the door',
  },
  'tickets.forged': {
    ko: 'yeyak 티켓이 아닙니다 (위조되었거나 손상된 코드).',
    en: 'not a valid yeyak ticket (forged or damaged code)',
  },
  'tickets.no_ticket': { ko: '없는 티켓입니다.', en: 'no such ticket' },
  'tickets.other_event': {
    ko: '다른 공연의 티켓입니다: {event}',
    en: 'this ticket is for another event: {event}',
  },
  'tickets.cancelled_ticket': { ko: '취소된 티켓입니다.', en: 'this ticket was cancelled' },
  'tickets.at_most_per_order': { ko: '한 번에 20매까지 예매할 수 있습니다.', en: 'at most 20 per order' },
  'tickets.iso_datetime': {
    ko: '시작 일시를 입력하세요.',
    en: 'must be an ISO date-time with offset, e.g. 2026-12-24T19:30:00+09:00',
  },
  'tickets.code_chars': {
    ko: '영문, 숫자, -, _ 로 2~32자를 입력하세요.',
    en: 'letters, digits, - and _, 2 to 32 characters',
  },
  // A hold's state inside a message ({status} of tickets.hold_done).
  'tickets.status.held': { ko: '확보 중', en: 'held' },
  'tickets.status.confirmed': { ko: '확정됨', en: 'confirmed' },
  'tickets.status.expired': { ko: '만료됨', en: 'expired' },
  'tickets.status.released': { ko: '반납됨', en: 'released' },
} as const satisfies Record<string, Texts>;
