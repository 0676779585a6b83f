import { serverMessage } from '../../messages.ts';

/**
 * Errors come with a catalog code (messages.ts renders them). A watch's last result and why it
 * ended are stored as English text: the patterns a user meets are put into Korean here; anything
 * else is shown as the server wrote it. Kept free of React so the tests can check it directly.
 */
const KO: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  // Refusals while creating or editing a watch.
  [/^at least 1 passenger/, '승객을 1명 이상 입력하세요.'],
  [/^at most 9 passengers per reservation \(got (\d+)\)/, '한 번에 9명까지 예약할 수 있습니다 (입력 $1명).'],
  [/^children need an accompanying/, '어린이는 어른·경로·장애인 승객과 함께 타야 합니다.'],
  [/^no train (\d+) from (.+) to (.+) on (\d+)/, '$4 $2→$3 구간에 $1번 열차가 없습니다.'],
  [
    /^train (\d+) has already left \(or leaves within (\d+) min\)/,
    '$1번 열차는 이미 출발했거나 $2분 안에 출발합니다.',
  ],
  [/^the time window is empty/, '시간대가 비어 있습니다. 끝 시각을 시작 시각보다 늦게 하세요.'],
  [/^every train in this window has already left/, '이 시간대의 열차는 모두 출발했습니다.'],
  [/^must be in the future/, '지금 이후의 시각이어야 합니다.'],
  [/^must be a train number/, '열차 번호(숫자)를 입력하세요.'],
  [/^pick at least one train type/, '열차 종류를 하나 이상 고르세요 (모두 고르면 전체).'],
  [/^must be one of KTX, SRT/, '알 수 없는 열차 종류입니다.'],
  [/^SRT runs only SRT trains/, 'SRT는 SRT 열차만 운행합니다.'],
  [
    /^Korail does not run SRT trains/,
    '코레일은 SRT 열차를 운행하지 않습니다. KTX·ITX·새마을·무궁화·기타 중에서 고르세요.',
  ],
  // A block and the pause after it (search, reserve, watch).
  [
    /^(SRT|Korail) blocked this server \((.*)\); yeyak sends nothing to \w+ until (.+) KST/,
    '$1이(가) 이 서버를 차단했습니다 (운영사 메시지: $2). $3(한국 시간)까지 $1에 아무 요청도 보내지 않으니 그 뒤에 다시 시도하세요.',
  ],
  [
    /^(SRT|Korail) refused us \(blocked\): (.*?)\. yeyak stops every \w+ watch and pauses \w+ for (\d+) min/,
    '$1이(가) 이 서버를 차단했습니다 (운영사 메시지: $2). $1 감시를 모두 멈추고 $3분 동안 $1에 요청을 보내지 않습니다. 기다리는 것 말고는 방법이 없습니다.',
  ],
  [
    /^(SRT|Korail) blocked us: (.*)\. Every \w+ watch stopped; yeyak sends nothing to \w+ until (.+) KST/,
    '$1이(가) 이 서버를 차단했습니다 (운영사 메시지: $2). $1 감시를 모두 중지했고 $3(한국 시간)까지 $1에 아무 요청도 보내지 않습니다. 우회 방법은 없으니 그 뒤에 감시를 다시 시작하세요.',
  ],
  [
    /^Korail refuses this login: it accepts logins from its own app only \(MACRO ERROR\)/,
    '코레일이 이 로그인을 거부했습니다: 코레일은 자체 앱에서 하는 로그인만 받습니다 (MACRO ERROR). yeyak은 앱을 흉내 내지 않으므로 이 계정으로 코레일에 로그인할 수 없습니다. 다른 감시는 계속됩니다.',
  ],
  [
    /^(SRT|Korail) refused the saved id or password/,
    '$1이(가) 저장된 아이디나 비밀번호를 거부했습니다. 계정·알림 탭에서 계정을 고치세요.',
  ],
  [
    /^not set up: (.*); leave notify out to use the channels you set up$/,
    (m) =>
      `설정하지 않은 알림 채널입니다: ${m[1]
        .replace(
          'add a Discord webhook in the notification settings',
          '계정·알림 탭에서 Discord 웹훅을 먼저 추가하세요',
        )
        .replace(
          'add a Slack webhook in the notification settings',
          '계정·알림 탭에서 Slack 웹훅을 먼저 추가하세요',
        )
        .replace(
          'add your Telegram chat in the notification settings',
          '계정·알림 탭에서 텔레그램 채팅을 먼저 추가하세요',
        )
        .replace('this server has no Telegram bot', '이 서버에는 텔레그램 봇이 없습니다')
        .replace(
          'link KakaoTalk first (the code on the settings page)',
          '계정·알림 탭의 코드로 카카오톡을 먼저 연결하세요',
        )}. 알림 채널을 지정하지 않으면 설정해 둔 채널로 알립니다.`,
  ],
  // A watch's last result.
  [/^sold out \((\d+) trains?\)$/, '매진 (열차 $1대)'],
  [/^no matching train$/, '조건에 맞는 열차 없음'],
  [/^(\d+) seats? left on (\d+), (\d+) asked$/, '$2번 열차: $1석 남음, $3석 필요'],
  [/^fewer seats than (\d+) asked on (\d+)$/, '$2번 열차: 남은 좌석이 $1석보다 적음'],
  [/^lost the seat on (\d+) \(sold-out\)$/, '$1번 열차 자리를 놓침 (매진)'],
  [/^lost the seat on (\d+) \(busy\)$/, '$1번 열차: 다른 시도가 진행 중'],
  [/^lost the seat on (\d+)/, '$1번 열차 자리를 놓침 (오류)'],
  [/^lost the race for (\d+)$/, '$1번 열차 빈자리를 다른 사람이 먼저 잡음'],
  [/^reserved (.+)$/, '예약 완료 (예약번호 $1)'],
  [/^standby requested (.+)$/, '예약대기 신청함 (예약번호 $1, 아직 좌석 아님)'],
  [/^stopped while reserving: hold (.+) cancelled$/, '예약 중에 중지되어 잡은 좌석($1)을 취소함'],
  [
    /^standby (.+) ended without a seat; trying for a seat again$/,
    '예약대기 종료: $1은(는) 좌석 없이 끝나 다시 빈자리를 찾는 중',
  ],
  [/^error: (.*)$/s, (m) => `오류: ${railMessage(m[1], 'ko')}`],
  // Why a watch ended.
  [/^deadline passed without a seat$/, '감시 기한까지 좌석을 잡지 못했습니다.'],
  [/^no train left to try before departure$/, '출발 전에 시도할 열차가 더 없습니다.'],
  [/^stopped by you$/, '직접 중지했습니다.'],
  [/^account removed$/, '운영사 계정을 삭제해 중지되었습니다.'],
];

export function railMessage(message: string, lang: 'ko' | 'en'): string {
  const coded = serverMessage(message, lang);
  if (coded !== message || lang !== 'ko') return coded;
  for (const [re, ko] of KO) {
    const m = re.exec(message);
    if (!m) continue;
    if (typeof ko === 'function') return ko(m);
    // An operator's own words often end in a full stop; the Korean sentence has its own.
    return ko.replace(/\$(\d)/g, (_, i: string) => (m[Number(i)] ?? '').replace(/\.+$/, ''));
  }
  return message;
}
