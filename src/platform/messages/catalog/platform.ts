import type { Texts } from '../index.ts';

/** The platform's messages: HTTP, accounts, notifications, uploads, payments, settings. */
export const platform = {
  'common.ok': { ko: '정상', en: 'ok', 'zh-TW': '正常' },
  'common.not_found': { ko: '찾을 수 없습니다.', en: '{what} not found', 'zh-TW': '找不到。' },
  'common.not_allowed': { ko: '허용되지 않은 작업입니다.', en: 'not allowed', 'zh-TW': '不允許。' },
  'common.already_exists': { ko: '이미 있습니다.', en: 'already exists', 'zh-TW': '已存在。' },
  'common.internal_error': {
    ko: '서버 오류가 났습니다. 잠시 후 다시 시도하세요.',
    en: 'internal error',
    'zh-TW': '伺服器錯誤，請稍後再試。',
  },
  'common.conflict_reload': { ko: '그사이 바뀌었습니다. 새로 고치세요.', en: 'changed meanwhile: reload it' },
  'http.bad_json': { ko: '요청 본문이 올바른 JSON이 아닙니다.', en: 'body is not valid JSON' },
  'http.empty_body': { ko: '요청 본문이 비어 있습니다.', en: 'body is empty: send a JSON object' },
  'http.too_large': { ko: '요청이 너무 큽니다.', en: 'request body too large' },
  'http.unsupported_type': { ko: '지원하지 않는 형식입니다.', en: 'unsupported content type' },
  'http.too_many': { ko: '요청이 너무 많습니다. 잠시 후 다시 시도하세요.', en: 'too many requests' },
  'http.no_route': { ko: '없는 주소입니다.', en: 'no route {method} {path}' },
  'http.method_not_allowed': {
    ko: '이 주소에서 허용되지 않는 요청입니다.',
    en: '{method} is not allowed on {path}',
  },
  'http.bad_escape': { ko: '주소의 % 표기가 올바르지 않습니다.', en: 'not a valid %-escape' },
  'http.unroutable': { ko: '주소를 처리할 수 없습니다.', en: 'the URL could not be routed' },
  'http.param_too_long': { ko: '주소의 값이 너무 깁니다.', en: 'a path parameter is too long' },
  'ratelimit.too_many_attempts': {
    ko: '시도가 너무 많습니다. {minutes}분 후에 다시 시도하세요.',
    en: 'too many attempts: try again in {minutes} min',
  },

  'auth.login_required': { ko: '로그인이 필요합니다.', en: 'login required', 'zh-TW': '需要登入。' },
  'auth.login_expired': {
    ko: '로그인이 만료되었습니다. 다시 로그인하세요.',
    en: 'login expired or token invalid: log in again',
    'zh-TW': '登入已過期，請重新登入。',
  },
  'auth.needs_role': {
    ko: '이 작업을 할 권한이 없습니다.',
    en: 'this needs the {roles} role',
    'zh-TW': '沒有權限。',
  },
  'auth.email_taken': { ko: '이미 가입된 이메일입니다.', en: 'an account with this e-mail already exists' },
  'auth.wrong_code_new': {
    ko: '코드가 틀렸거나 만료되었습니다. 새 코드를 받으세요.',
    en: 'wrong or expired code; ask for a new one',
  },
  'auth.wrong_code': { ko: '코드가 틀렸거나 만료되었습니다.', en: 'wrong or expired code' },
  'auth.withdrawn': { ko: '탈퇴한 계정입니다.', en: 'this account was withdrawn' },
  'auth.suspended': {
    ko: '정지된 계정입니다. 관리자에게 문의하세요.',
    en: 'this account is suspended: ask an administrator',
  },
  'auth.wrong_login': { ko: '이메일 또는 비밀번호가 올바르지 않습니다.', en: 'wrong e-mail or password' },
  'auth.not_verified': {
    ko: '이메일 인증이 아직 끝나지 않았습니다. 메일로 받은 코드를 입력하세요.',
    en: 'e-mail not verified yet: enter the code we mailed you',
  },
  'auth.no_account': { ko: '없는 계정입니다.', en: 'no such account' },
  'auth.own_role': { ko: '자기 계정의 역할은 바꿀 수 없습니다.', en: 'you cannot change your own role' },
  'auth.own_suspend': { ko: '자기 계정은 정지할 수 없습니다.', en: 'you cannot suspend your own account' },
  'auth.owner_withdraws': {
    ko: '탈퇴는 본인만 할 수 있습니다.',
    en: 'only the owner can withdraw an account',
  },
  'auth.withdrawn_stays': {
    ko: '탈퇴한 계정은 되돌릴 수 없습니다.',
    en: 'a withdrawn account stays withdrawn',
  },
  'auth.enter_password': { ko: '비밀번호를 입력하세요.', en: 'required: enter your password' },
  'auth.wrong_password': { ko: '비밀번호가 올바르지 않습니다.', en: 'wrong password' },
  'auth.enter_code': { ko: '메일로 받은 코드를 입력하세요.', en: 'required: enter the code we mailed you' },
  'auth.nickname_taken': { ko: '이미 쓰이는 닉네임입니다.', en: 'this nickname is taken' },
  'auth.local_token_only': {
    ko: '로컬 관리자 토큰은 이 컴퓨터에서만 쓸 수 있습니다.',
    en: 'the local admin token works only from this machine',
  },
  'auth.password_or_code': { ko: '비밀번호나 코드를 입력하세요.', en: 'give the password or the code' },
  'auth.six_digits': { ko: '숫자 6자리를 입력하세요.', en: 'six digits' },
  'auth.nickname_chars': {
    ko: '글자, 숫자, 공백, . _ - 만 쓸 수 있습니다.',
    en: 'letters, digits, spaces, . _ and - only',
  },
  'auth.user_or_email': { ko: '사용자 ID나 이메일 주소를 입력하세요.', en: 'a user id or an e-mail address' },

  'notify.webhook_prefix': { ko: '{prefix} 로 시작하는 주소여야 합니다.', en: 'must start with {prefix}' },
  'notify.no_telegram_bot': {
    ko: '이 서버에는 텔레그램 봇이 없습니다 (TELEGRAM_BOT_TOKEN).',
    en: 'this server has no Telegram bot (TELEGRAM_BOT_TOKEN)',
  },

  'uploads.multipart': {
    ko: '파일 하나를 multipart/form-data로 보내세요.',
    en: 'send multipart/form-data with one file',
  },
  'uploads.one_file': { ko: '한 번에 파일 하나만 올릴 수 있습니다.', en: 'one file per upload' },
  'uploads.too_large': { ko: '파일이 너무 큽니다 (최대 {mb}MB).', en: 'at most {mb} MB' },
  'uploads.owner_deletes': {
    ko: '파일은 올린 사람만 지울 수 있습니다.',
    en: 'only its owner deletes a file',
  },

  'settings.unknown': { ko: '없는 설정입니다.', en: 'no such setting' },
  'settings.at_least_minutes': { ko: '{n}분 이상이어야 합니다.', en: 'at least {n} minutes' },
  'settings.at_most_minutes': { ko: '{n}분 이하여야 합니다.', en: 'at most {n} minutes' },
  'settings.whole_minutes': { ko: '분 단위 정수로 입력하세요.', en: 'whole minutes' },
  'settings.at_least_days': { ko: '{n}일 이상이어야 합니다.', en: 'at least {n} days' },
  'settings.at_most_days': { ko: '{n}일 이하여야 합니다.', en: 'at most {n} days' },
  'settings.whole_days': { ko: '일 단위 정수로 입력하세요.', en: 'whole days' },
  // The settings' own schema messages, matched by their exact English text.
  'settings.at_least_one_minute': { ko: '1분 이상이어야 합니다.', en: 'at least 1 minute' },
  'settings.at_most_a_day': { ko: '1,440분(하루) 이하여야 합니다.', en: 'at most 1,440 minutes (a day)' },
  'settings.at_least_one_day': { ko: '1일 이상이어야 합니다.', en: 'at least 1 day' },
  'settings.at_most_3650_days': { ko: '3,650일 이하여야 합니다.', en: 'at most 3,650 days' },
  'serverlog.to_before_from': { ko: '시작 시각보다 앞설 수 없습니다.', en: 'must not be before from' },
  'mail.automated': { ko: '이 메일은 발신 전용입니다.', en: 'This is an automated message.' },
  'mail.smtp_only': {
    ko: '메일은 SMTP로 나갑니다. 내장 메일함이 없습니다.',
    en: 'mail goes out over SMTP; there is no built-in mailbox',
  },
  'metrics.off': {
    ko: '지표가 꺼져 있습니다. 관리자가 metrics.token을 설정하면 켜집니다.',
    en: 'metrics are off: an admin sets metrics.token to turn them on',
  },

  'payments.not_configured': {
    ko: '이 서버에는 결제 서비스가 설정되어 있지 않습니다.',
    en: 'payments are not configured on this server',
  },
  'payments.refunded_in_full': { ko: '이미 전액 환불된 주문입니다.', en: 'already refunded in full' },
  'payments.nothing_to_cancel': {
    ko: '취소할 것이 없습니다 (주문 상태: {state}).',
    en: 'nothing to cancel: the order is {state}',
  },
  'payments.cancel_in_progress': {
    ko: '이 주문의 다른 취소가 진행 중입니다. 새로 고치세요.',
    en: 'another cancel of this order is in progress: reload it',
  },
  'payments.order_changed': {
    ko: '그사이 주문이 바뀌었습니다. 새로 고치세요.',
    en: 'the order changed meanwhile: reload it',
  },
  'payments.nothing_paid': {
    ko: '결제되지 않은 주문입니다. 주문 전체를 취소하세요.',
    en: 'nothing was paid: cancel the whole order',
  },
  'payments.at_most': { ko: '최대 {max}까지입니다.', en: 'at most {max}' },
  'payments.whole_won': {
    ko: '1원에서 1억 원 사이의 원 단위 정수로 입력하세요.',
    en: 'whole won, 1 to 100,000,000',
  },
  'payments.gateway_refused': {
    ko: '결제 서비스(페이레터)가 요청을 거절했습니다: {reason}',
    en: 'payletter refused the {reason}',
  },
  'payments.gateway_unreachable': {
    ko: '결제 서비스(페이레터)에 연결할 수 없습니다.',
    en: 'payletter could not be reached',
  },
  'points.not_enough': {
    ko: '포인트가 부족합니다.',
    en: 'not enough points: the balance less its holds cannot go below zero',
  },
  // An order's state inside a message ({state} of payments.nothing_to_cancel).
  'payments.state.created': { ko: '결제 전', en: 'created' },
  'payments.state.paid': { ko: '결제 완료', en: 'paid' },
  'payments.state.failed': { ko: '결제 실패', en: 'failed' },
  'payments.state.cancelled': { ko: '취소됨', en: 'cancelled' },
  'payments.state.refunded': { ko: '환불됨', en: 'refunded' },
} as const satisfies Record<string, Texts>;
