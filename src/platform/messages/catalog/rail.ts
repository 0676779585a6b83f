import type { Texts } from '../index.ts';

/** The rail module's messages ({operator} is SRT or Korail). */
export const rail = {
  'rail.status.ok': { ko: '정상', en: 'ok' },
  'rail.status.bad-credentials': { ko: '아이디·비밀번호 오류', en: 'wrong id or password' },
  'rail.status.blocked': { ko: '차단됨', en: 'blocked' },
  'rail.wrong_credentials': {
    ko: '{operator}에서 아이디나 비밀번호가 틀렸다고 합니다.',
    en: '{operator} says the id or password is wrong',
  },
  'rail.no_station': {
    ko: '{operator}에 "{station}" 역이 없습니다.',
    en: 'no station "{station}" on {operator}',
  },
  'rail.no_station_suggest': {
    ko: '{operator}에 "{station}" 역이 없습니다. 혹시 {suggestions}?',
    en: 'no station "{station}" on {operator}; did you mean {suggestions}?',
  },
  'rail.date_past': {
    ko: '{date}은(는) 지난 날짜입니다 (오늘은 한국 시간으로 {today}).',
    en: '{date} is in the past (today in Korea is {today})',
  },
  'rail.date_too_far': {
    ko: '{operator}은(는) {days}일 앞까지만 판매합니다. 지금 고를 수 있는 마지막 날짜는 {last}입니다.',
    en: '{operator} sells {days} days ahead: the last date now is {last}',
  },
  'rail.passenger_whole': { ko: '0 이상의 정수를 입력하세요.', en: 'must be a whole number ≥ 0' },
  'rail.at_least_one_passenger': { ko: '승객을 1명 이상 입력하세요.', en: 'at least 1 passenger' },
  'rail.at_most_nine': {
    ko: '한 번에 9명까지 예약할 수 있습니다 (입력 {total}명).',
    en: 'at most 9 passengers per reservation (got {total})',
  },
  'rail.child_alone': {
    ko: '어린이는 어른·경로·장애인 승객과 함께 타야 합니다.',
    en: 'children need an accompanying adult, senior or disabled passenger',
  },
  'rail.srt_only': {
    ko: 'SRT는 SRT 열차만 운행합니다. SRT를 고르거나 열차 종류를 비워 두세요.',
    en: 'SRT runs only SRT trains: include SRT, or leave the filter out',
  },
  'rail.korail_no_srt': {
    ko: '코레일은 SRT 열차를 운행하지 않습니다. KTX·ITX·새마을·무궁화·기타 중에서 고르세요.',
    en: 'Korail does not run SRT trains: pick KTX, ITX, saemaeul, mugunghwa or other',
  },
  'rail.no_train': {
    ko: '{date} {from}→{to} 구간에 {trainNo}번 열차가 없습니다.',
    en: 'no train {trainNo} from {from} to {to} on {date}',
  },
  'rail.train_left': { ko: '{trainNo}번 열차는 이미 출발했습니다.', en: 'train {trainNo} has already left' },
  'rail.train_leaving': {
    ko: '{trainNo}번 열차는 이미 출발했거나 {minutes}분 안에 출발합니다.',
    en: 'train {trainNo} has already left (or leaves within {minutes} min)',
  },
  'rail.same_station': { ko: '출발역과 도착역이 같습니다.', en: 'must differ from body.from' },
  'rail.window_empty': {
    ko: '시간대가 비어 있습니다. 끝 시각을 시작 시각보다 늦게 하세요.',
    en: 'the time window is empty: timeTo must be after timeFrom',
  },
  'rail.window_left': {
    ko: '이 시간대의 열차는 모두 출발했습니다.',
    en: 'every train in this window has already left',
  },
  'rail.future': { ko: '지금 이후의 시각이어야 합니다.', en: 'must be in the future' },
  'rail.date_format': {
    ko: '날짜를 YYYYMMDD나 YYYY-MM-DD로 입력하세요.',
    en: 'must be a date YYYYMMDD or YYYY-MM-DD',
  },
  'rail.time_format': { ko: '시각을 HH:mm으로 입력하세요.', en: 'must be a time HH:mm, HHmm or HHmmss' },
  'rail.sold_out_policy': {
    ko: '{trainNo}번 열차는 고른 좌석 등급이 매진입니다. 감시를 걸어 빈자리를 기다리세요.',
    en: 'train {trainNo} is sold out for {policy}: start a watch to wait for a seat',
  },
  'rail.sold_out': { ko: '매진: {detail}', en: 'sold out: {detail}' },
  'rail.reservation_state': { ko: '이미 {status} 상태인 예약입니다.', en: 'the reservation is {status}' },
  'rail.account_removed_cancel': {
    ko: '이 예약의 계정이 삭제되었습니다. 운영사 앱에서 취소하세요.',
    en: 'the account behind this reservation was removed; cancel it in the operator app',
  },
  'rail.watch_state': {
    ko: '이미 {status} 상태인 감시입니다. 새로 시작하세요.',
    en: 'the watch is {status}; start a new one',
  },
  'rail.watch_changed': {
    ko: '그사이 감시 상태가 바뀌었습니다. 새로 고치세요.',
    en: 'the watch changed state meanwhile; reload it',
  },
  'rail.add_account': {
    ko: '{operator} 계정을 먼저 추가하세요 (계정·알림 탭).',
    en: 'add your {operator} account first (PUT /api/rail/accounts/{provider})',
  },
  'rail.account_attention': {
    ko: '{operator} 계정을 확인해야 합니다: {reason}',
    en: 'your {operator} account needs attention: {reason}',
  },
  'rail.blocked_paused': {
    ko: '{operator}이(가) 이 서버를 차단했습니다 (운영사 메시지: {reason}). {until}(한국 시간)까지 {operator}에 아무 요청도 보내지 않으니 그 뒤에 다시 시도하세요.',
    en: '{operator} blocked this server ({reason}); yeyak sends nothing to {operator} until {until} KST. Try again after that.',
  },
  'rail.blocked_now': {
    ko: '{operator}이(가) 이 서버를 차단했습니다 (운영사 메시지: {reason}). {operator} 감시를 모두 멈추고 {minutes}분 동안 {operator}에 요청을 보내지 않습니다. 기다리는 것 말고는 방법이 없습니다.',
    en: '{operator} refused us (blocked): {reason}. yeyak stops every {operator} watch and pauses {operator} for {minutes} min; there is no workaround but waiting.',
  },
  'rail.operator_error': { ko: '{operator} 오류: {reason}', en: '{operator}: {reason}' },
  'rail.notify_not_set_up': {
    ko: '설정하지 않은 알림 채널입니다: {channels}. 알림 채널을 지정하지 않으면 설정해 둔 채널로 알립니다.',
    en: 'not set up: {channels}; leave notify out to use the channels you set up',
  },
  'rail.korail_app_only': {
    ko: '코레일이 이 로그인을 거부했습니다: 코레일은 자체 앱에서 하는 로그인만 받습니다 (MACRO ERROR). yeyak은 앱을 흉내 내지 않으므로 이 계정으로 코레일에 로그인할 수 없습니다. 다른 감시는 계속됩니다.',
    en: 'Korail refuses this login: it accepts logins from its own app only (MACRO ERROR). yeyak does not imitate the app, so it cannot sign in to Korail with this account; other watches go on.',
  },
  'rail.train_number': { ko: '열차 번호(숫자)를 입력하세요.', en: 'must be a train number (digits)' },
  'rail.pick_train_type': {
    ko: '열차 종류를 하나 이상 고르세요 (모두 고르면 전체).',
    en: 'pick at least one train type, or leave it out for all',
  },
  'rail.unknown_train_type': { ko: '알 수 없는 열차 종류입니다.', en: 'must be one of {types}' },
  'rail.id_uuid': { ko: '올바른 ID가 아닙니다.', en: 'must be an id (UUID)' },
  'rail.iso_datetime_offset': { ko: '날짜와 시각을 입력하세요.', en: 'must be an ISO date-time with offset' },
  // Telegram chat (src/modules/rail/telegram): what the bot answers, in the linked user's language.
  'rail.no_toddler_srt': {
    ko: 'SRT는 유아(동반유아) 승차권을 팔지 않습니다. 코레일을 이용하세요.',
    en: 'SRT sells no toddler (accompanied infant) tickets; use Korail',
  },
  'rail.telegram.no_bot': {
    ko: '이 서버에는 Telegram 봇이 없습니다 (TELEGRAM_BOT_TOKEN).',
    en: 'this server has no Telegram bot (TELEGRAM_BOT_TOKEN)',
  },
  'rail.telegram.help': {
    ko: 'yeyak 기차 알림 봇\n/watches — 내 감시 목록 (번호와 상태)\n/stop 2 — 목록의 2번 감시 중지\n/reservations — 결제 대기·결제한 열차 예약과 결제 기한\n/help — 이 안내\n감시는 yeyak 웹의 기차 화면에서 만듭니다. 자리가 나면 이 채팅으로 알려 드려요.',
    en: 'yeyak rail alerts bot\n/watches — your watches (numbered, with their state)\n/stop 2 — stop watch 2 of that list\n/reservations — held and paid rail reservations, with the payment deadline\n/help — this text\nWatches are made on the yeyak web (Trains). When a seat comes up, you hear it here.',
  },
  'rail.telegram.unknown': {
    ko: '알 수 없는 명령입니다. /watches · /stop 번호 · /reservations · /help 중에서 보내 주세요.',
    en: 'Unknown command. Send /watches, /stop <number>, /reservations or /help.',
  },
  'rail.telegram.not_linked': {
    ko: '이 채팅은 아직 yeyak 계정과 연결되지 않았습니다. yeyak 웹의 기차 › 계정·알림에서 "Telegram 연결"의 링크를 열어 주세요.',
    en: 'This chat is not linked to a yeyak account yet. On the yeyak web, open Trains › Accounts & alerts and follow the "Connect Telegram" link.',
  },
  'rail.telegram.private_only': {
    ko: 'yeyak 봇은 1:1 채팅에서만 답합니다. 봇과 개인 채팅을 열어 주세요.',
    en: 'The yeyak bot answers in private chats only. Open a private chat with the bot.',
  },
  'rail.telegram.linked': {
    ko: 'yeyak 계정과 연결했습니다. 감시 소식이 이 채팅으로 옵니다. /watches 로 감시 목록을 볼 수 있어요.',
    en: 'Linked to your yeyak account. News about your watches comes to this chat. Send /watches to see them.',
  },
  'rail.telegram.bad_code': {
    ko: '연결 코드가 틀렸거나 만료되었습니다. yeyak 웹에서 새 연결 링크를 받아 주세요.',
    en: 'That link code is wrong or has expired. Get a new link on the yeyak web.',
  },
  'rail.telegram.too_many': {
    ko: '연결 시도가 너무 많습니다. {minutes}분 후에 다시 해 주세요.',
    en: 'Too many link attempts. Try again in {minutes} min.',
  },
  'rail.telegram.try_later': {
    ko: '지금은 처리하지 못했습니다. 잠시 후 다시 보내 주세요.',
    en: 'That did not work just now. Please send it again in a moment.',
  },
  'rail.telegram.no_watches': { ko: '감시가 없습니다.', en: 'You have no watches.' },
  'rail.telegram.no_running': { ko: '진행 중인 감시가 없습니다.', en: 'No running watches.' },
  'rail.telegram.running_head': {
    ko: '진행 중인 감시 (중지: /stop 번호)',
    en: 'Running watches (to stop one: /stop <number>)',
  },
  'rail.telegram.ended_head': { ko: '지난 감시', en: 'Earlier watches' },
  'rail.telegram.trains': { ko: '{trains}번', en: 'train {trains}' },
  'rail.telegram.tries': { ko: '시도 {count}회', en: '{count} tries' },
  'rail.telegram.pnr': { ko: '예약번호 {pnr}', en: 'reservation {pnr}' },
  'rail.telegram.state.waiting': { ko: '대기', en: 'waiting' },
  'rail.telegram.state.trying': { ko: '시도 중', en: 'trying' },
  'rail.telegram.state.reserved': { ko: '예약됨', en: 'reserved' },
  'rail.telegram.state.failed': { ko: '실패', en: 'failed' },
  'rail.telegram.state.stopped': { ko: '중지', en: 'stopped' },
  'rail.telegram.stop_usage': {
    ko: '중지할 감시의 번호를 "/stop 2"처럼 보내 주세요. 번호는 /watches 에 있습니다.',
    en: 'Send the number of the watch, like "/stop 2". /watches shows the numbers.',
  },
  'rail.telegram.stop_missing': {
    ko: '{n}번 감시가 없습니다. /watches 로 번호를 확인해 주세요.',
    en: 'There is no watch {n}. See /watches for the numbers.',
  },
  'rail.telegram.stopped': { ko: '감시를 중지했습니다: {watch}', en: 'Stopped watching: {watch}' },
  'rail.telegram.stop_changed': {
    ko: '중지하기 전에 상태가 바뀌었습니다 ({state}): {watch}',
    en: 'It changed before I could stop it ({state}): {watch}',
  },
  'rail.telegram.no_reservations': {
    ko: '결제를 기다리거나 결제한 열차 예약이 없습니다.',
    en: 'No held or paid rail reservations.',
  },
  'rail.telegram.reservations_head': { ko: '열차 예약', en: 'Rail reservations' },
  'rail.telegram.held': { ko: '결제 대기', en: 'awaiting payment' },
  'rail.telegram.pay_by': { ko: '결제 기한 {deadline} (한국 시간)', en: 'pay by {deadline} KST' },
  'rail.telegram.paid': { ko: '결제 완료', en: 'paid' },
  'rail.telegram.standby': { ko: '예약대기 신청 (아직 좌석 아님)', en: 'standby request (not a seat yet)' },
  // A watch's or a reservation's state inside a message ({status} of rail.watch_state and rail.reservation_state).
  'rail.status.waiting': { ko: '대기', en: 'waiting' },
  'rail.status.trying': { ko: '시도 중', en: 'trying' },
  'rail.status.reserved': { ko: '예약 완료', en: 'reserved' },
  'rail.status.failed': { ko: '실패', en: 'failed' },
  'rail.status.stopped': { ko: '중지', en: 'stopped' },
  'rail.status.held': { ko: '결제 대기', en: 'held' },
  'rail.status.cancelled': { ko: '취소', en: 'cancelled' },
  'rail.status.paid': { ko: '결제 완료', en: 'paid' },
  'rail.status.expired': { ko: '만료', en: 'expired' },
  // Why a watch waits: a train with seats, but fewer than the party (web, Kakao and the CLI alike).
  'rail.short_seats': {
    ko: '{trainNo}번 열차: {left}석 남음, {asked}석 필요',
    en: 'train {trainNo}: {left} seats left, {asked} asked',
  },
  'rail.short_seat_one': {
    ko: '{trainNo}번 열차: 1석 남음, {asked}석 필요',
    en: 'train {trainNo}: 1 seat left, {asked} asked',
  },
  'rail.short_seats_unknown': {
    ko: '{trainNo}번 열차: 남은 좌석이 {asked}석보다 적음',
    en: 'train {trainNo}: fewer seats left than the {asked} asked',
  },
  'rail.short_why': {
    ko: '일행 전원이 앉을 자리가 날 때까지 예약을 보내지 않습니다.',
    en: 'No reserve is sent until the whole party can sit.',
  },
  // How often the watch's search is asked now (the round the egress budget allows).
  'rail.checked_every': { ko: '약 {n}초마다 확인', en: 'checked every ~{n} s' },
  'rail.checked_every_min': { ko: '약 {n}분마다 확인', en: 'checked every ~{n} min' },
  // A direct reserve of a train whose seats do not cover the party.
  'rail.too_few_seats': {
    ko: '{trainNo}번 열차는 {left}석만 남아 {asked}명이 예약할 수 없습니다. 감시를 만들어 자리가 나기를 기다리세요.',
    en: '{left} seat(s) left on {trainNo}, {asked} asked: start a watch to wait for seats',
  },
  'rail.too_few_seats_unknown': {
    ko: '{trainNo}번 열차의 남은 좌석이 {asked}석보다 적습니다. 감시를 만들어 자리가 나기를 기다리세요.',
    en: 'fewer seats than {asked} asked on {trainNo}: start a watch to wait for seats',
  },
} as const satisfies Record<string, Texts>;
