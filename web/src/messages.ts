import type { Lang } from './i18n.tsx';

/**
 * The server answers in English. The messages people meet most often are put into Korean here (and the
 * schema library's terse ones into plainer English); anything else is shown as the server wrote it.
 */
const rules: [RegExp, { ko: string; en?: string }][] = [
  [/^sold out: only (\d+) left/, { ko: '남은 좌석이 $1석뿐입니다.' }],
  [/^sold out/, { ko: '매진되었습니다.' }],
  [/^this hold has expired/, { ko: '확보 시간이 지나 좌석이 반납되었습니다.' }],
  [/^this hold is (\w+)/, { ko: '이미 처리된 좌석 확보입니다 ($1).' }],
  [/already on the waiting list/, { ko: '이미 대기 신청한 권종입니다.' }],
  [/^(\d+) tickets are available/, { ko: '지금 $1석을 바로 예매할 수 있습니다. 대기 대신 예매하세요.' }],
  [/^an account with this e-mail already exists/, { ko: '이미 가입된 이메일입니다.' }],
  [/^wrong or expired code/, { ko: '코드가 틀렸거나 만료되었습니다.' }],
  [/^too many attempts: try again in (\d+) min/, { ko: '시도가 너무 많습니다. $1분 후에 다시 시도하세요.' }],
  [/^event code (.+) is already taken/, { ko: '공연 코드 $1은(는) 이미 사용 중입니다.' }],
  [/^you do not organise this event/, { ko: '이 공연의 기획자가 아닙니다.' }],
  [/^this needs the .* role/, { ko: '이 작업을 할 권한이 없습니다.' }],
  [/^must be an e-mail address/, { ko: '이메일 주소 형식이 아닙니다.' }],
  [/^at least (\d+) characters/, { ko: '$1자 이상이어야 합니다.' }],
  [/^at most ([\d,]+) characters/, { ko: '$1자 이하여야 합니다.' }],
  [/^at least ([\d,]+) minutes?/, { ko: '$1분 이상이어야 합니다.' }],
  [/^at most ([\d,]+) minutes/, { ko: '$1분 이하여야 합니다.' }],
  [/^whole minutes/, { ko: '분 단위 정수로 입력하세요.' }],
  [/^at least ([\d,]+) days?/, { ko: '$1일 이상이어야 합니다.' }],
  [/^at most ([\d,]+) days/, { ko: '$1일 이하여야 합니다.' }],
  [/^whole days/, { ko: '일 단위 정수로 입력하세요.' }],
  [/^no such setting/, { ko: '없는 설정입니다.' }],
  [/^a user id or an e-mail address/, { ko: '사용자 ID나 이메일 주소를 입력하세요.' }],
  [/^must not be before from/, { ko: '시작 시각보다 앞설 수 없습니다.' }],
  [/^at most 20 per order/, { ko: '한 번에 20매까지 예매할 수 있습니다.' }],
  [/^must be an ISO date-time/, { ko: '시작 일시를 입력하세요.', en: 'enter the date and time' }],
  [/^letters, digits, - and _, 2 to 32 characters/, { ko: '영문, 숫자, -, _ 로 2~32자를 입력하세요.' }],
  [/^Too small: expected string to have >=1 characters?/, { ko: '꼭 입력해야 합니다.', en: 'required' }],
  [/^Invalid input: expected number/, { ko: '숫자를 입력하세요.', en: 'enter a number' }],
  [/^Too small: expected number to be >=(\d+)/, { ko: '$1 이상이어야 합니다.', en: 'at least $1' }],
  [/^Too big: expected number to be <=(\d+)/, { ko: '$1 이하여야 합니다.', en: 'at most $1' }],
  [/^Invalid (URL|url)/, { ko: '올바른 URL이 아닙니다.', en: 'not a valid URL' }],
  [/(the showtime has started|this showtime has already started)/, { ko: '이미 시작한 회차입니다.' }],
  [/^duplicate ticket type name/, { ko: '권종 이름이 중복됩니다.' }],
  [/^two showtimes start at the same time/, { ko: '같은 시각에 시작하는 회차가 있습니다.' }],
  [/^add at least one/, { ko: '하나 이상 추가하세요.' }],
  [/^unknown time zone/, { ko: '알 수 없는 시간대입니다.' }],
  [
    /has reservations and cannot be removed/,
    { ko: '예매가 있는 권종은 삭제할 수 없습니다. 수량을 조정하세요.' },
  ],
  [/^this ticket was already used/, { ko: '이미 입장에 사용된 티켓입니다.' }],
  [/^login expired/, { ko: '로그인이 만료되었습니다. 다시 로그인하세요.' }],
  [/^login required/, { ko: '로그인이 필요합니다.' }],
  [/^this account is (disabled|suspended)/, { ko: '정지된 계정입니다. 관리자에게 문의하세요.' }],
  [/^this account was withdrawn/, { ko: '탈퇴한 계정입니다.' }],
  [
    /^you cannot (change your own role|disable your own account|suspend your own account)/,
    { ko: '자기 계정의 역할을 바꾸거나 정지할 수 없습니다.' },
  ],
  [/^this nickname is taken/, { ko: '이미 쓰이는 닉네임입니다.' }],
  [/^letters, digits, spaces, \. _ and - only/, { ko: '글자, 숫자, 공백, . _ - 만 쓸 수 있습니다.' }],
  [/^not enough points/, { ko: '포인트가 부족합니다.' }],
  [/^a call needs at least ([\d,]+) points/, { ko: '전화 상담을 시작하려면 $1P 이상이 필요합니다.' }],
  [/^this counselor is not taking calls now/, { ko: '상담사가 지금 전화를 받을 수 없습니다.' }],
  [/^you have a phone consultation open already/, { ko: '이미 진행 중인 전화 상담이 있습니다.' }],
  [/^a mobile number such as/, { ko: '010-1234-5678 같은 휴대전화 번호를 입력하세요.' }],
  [/^a phone number such as/, { ko: '010-1234-5678 같은 전화번호를 입력하세요.' }],
  [/^no 060 phone service is configured/, { ko: '전화 상담이 설정되어 있지 않습니다.' }],
  [/^you are in a call/, { ko: '통화 중입니다.' }],
  [
    /^auto-online decides your status/,
    { ko: '자동 접속이 켜져 있습니다. 직접 바꾸려면 자동 접속을 끄세요.' },
  ],
  [
    /^this account already acts as another counselor/,
    { ko: '이 계정은 이미 다른 상담사와 연결되어 있습니다.' },
  ],
  [/^this request has expired/, { ko: '결제 요청이 만료되었습니다.' }],
  [/^this request is completed/, { ko: '이미 완료된 요청입니다.' }],
  [/^this request is not paid yet/, { ko: '아직 결제되지 않은 요청입니다.' }],
  [/^this request is paid already/, { ko: '이미 결제된 요청입니다.' }],
  [/^this request was declined/, { ko: '거절된 요청입니다.' }],
  [/^this request was refunded/, { ko: '환불된 요청입니다.' }],
  [/^this request was withdrawn/, { ko: '상담사가 취소한 요청입니다.' }],
  [/^you cannot pay your own request/, { ko: '자신의 요청은 결제할 수 없습니다.' }],
  [/^this chat is blocked/, { ko: '차단된 채팅입니다.' }],
  [/^this item is not offered now/, { ko: '지금은 판매하지 않는 상품입니다.' }],
  [/^reviews are written within (\d+) days/, { ko: '후기는 완료 후 $1일 안에 쓸 수 있습니다.' }],
  [/^counselor not found/, { ko: '상담사를 찾을 수 없습니다.' }],
  [/^wrong password/, { ko: '비밀번호가 올바르지 않습니다.' }],
  [/^required: enter your password/, { ko: '비밀번호를 입력하세요.' }],
  [/^required: enter the code/, { ko: '메일로 받은 코드를 입력하세요.' }],
  [/^six digits/, { ko: '숫자 6자리를 입력하세요.' }],
  [/^only the owner can withdraw/, { ko: '탈퇴는 본인만 할 수 있습니다.' }],
  [/^a withdrawn account stays withdrawn/, { ko: '탈퇴한 계정은 되돌릴 수 없습니다.' }],
  [/^e-mail not verified/, { ko: '이메일 인증이 아직 끝나지 않았습니다.' }],
  [/^wrong e-mail or password/, { ko: '이메일 또는 비밀번호가 올바르지 않습니다.' }],
  [/^payments are not configured/, { ko: '이 서버에는 결제 서비스가 설정되어 있지 않습니다.' }],
  [/^already refunded in full/, { ko: '이미 전액 환불된 주문입니다.' }],
  [/^nothing to cancel: the order is (\w+)/, { ko: '취소할 것이 없습니다 (주문 상태: $1).' }],
  [
    /^another cancel of this order is in progress/,
    { ko: '이 주문의 다른 취소가 진행 중입니다. 새로 고치세요.' },
  ],
  [/^the order changed meanwhile/, { ko: '그사이 주문이 바뀌었습니다. 새로 고치세요.' }],
  [/^nothing was paid: cancel the whole order/, { ko: '결제되지 않은 주문입니다. 주문 전체를 취소하세요.' }],
  [/^at most (\d+)$/, { ko: '최대 $1까지입니다.' }],
  [/^whole won/, { ko: '원 단위 정수로 입력하세요.' }],
  [/^at least 1 won/, { ko: '1원 이상이어야 합니다.' }],
  [/^payletter refused the (.+)/, { ko: '결제 서비스(페이레터)가 요청을 거절했습니다: $1' }],
  [/^payletter could not be reached/, { ko: '결제 서비스(페이레터)에 연결할 수 없습니다.' }],
  [/^[\w ]+ not found$/, { ko: '찾을 수 없습니다.' }],
];

export function serverMessage(message: string, lang: Lang): string {
  for (const [re, out] of rules) {
    const m = re.exec(message);
    if (!m) continue;
    const template = lang === 'ko' ? out.ko : out.en;
    if (!template) return message;
    return template.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
  }
  return message;
}
