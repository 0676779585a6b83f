import type { Texts } from '../index.ts';

/** The registration module's messages (its pages also speak Chinese). */
export const registration = {
  'registration.kktix_required': {
    ko: 'KKTIX 연동에는 꼭 입력해야 합니다.',
    en: 'required for a KKTIX source',
    'zh-TW': 'KKTIX 來源必填',
  },
  'registration.tickets_event_required': {
    ko: 'yeyak 공연 연동에는 꼭 골라야 합니다.',
    en: 'required for a tickets source',
    'zh-TW': 'yeyak 票務來源必填',
  },
  'registration.gather_required': {
    ko: 'Gather를 켜면 스페이스 ID와 API 키가 필요합니다.',
    en: 'spaceId and apiKey are required when Gather is on',
    'zh-TW': '啟用 Gather 時需要 spaceId 與 apiKey',
  },
  'registration.discord_required': {
    ko: 'Discord 알림을 켜면 웹훅 주소가 필요합니다.',
    en: 'required when Discord announcements are on',
    'zh-TW': '啟用 Discord 公告時必填',
  },
  'registration.no_tickets_event': {
    ko: '없는 yeyak 공연입니다.',
    en: 'no such yeyak event',
    'zh-TW': '沒有這個 yeyak 活動',
  },
  'registration.slug_taken': {
    ko: '행사 주소 이름 {slug}은(는) 이미 사용 중입니다.',
    en: 'slug {slug} is already taken',
    'zh-TW': '代稱 {slug} 已被使用',
  },
  'registration.source_fixed': { ko: '바꿀 수 없습니다.', en: 'cannot be changed', 'zh-TW': '無法變更' },
  'registration.kktix_only_test': {
    ko: 'KKTIX 연동만 시험할 수 있습니다.',
    en: 'only a KKTIX connection can be tested',
    'zh-TW': '只能測試 KKTIX 連線',
  },
  'registration.http_url': {
    ko: 'http(s) 주소여야 합니다.',
    en: 'must be an http(s) URL',
    'zh-TW': '必須是 http(s) 網址',
  },
  'registration.slug_chars': {
    ko: '영문, 숫자, -, _ 로 2~64자를 입력하세요.',
    en: 'letters, digits, - and _, 2 to 64 characters',
    'zh-TW': '英數字、- 與 _，2 到 64 個字元',
  },
  'registration.kktix_event_id': {
    ko: 'KKTIX 행사 번호(숫자)를 입력하세요.',
    en: 'must be the numeric KKTIX event id',
    'zh-TW': '請輸入 KKTIX 活動編號（數字）',
  },
  'registration.poll_min': { ko: '3초 이상이어야 합니다.', en: 'at least 3 seconds', 'zh-TW': '至少 3 秒' },
  'registration.both_or_neither': {
    ko: '시작과 끝을 모두 입력하거나 모두 비워 두세요.',
    en: 'give both from and to, or neither',
    'zh-TW': '請同時填寫起訖日期，或都不填',
  },
  'registration.date_format': {
    ko: '날짜를 YYYY-MM-DD로 입력하세요.',
    en: 'must be a date YYYY-MM-DD',
    'zh-TW': '日期格式須為 YYYY-MM-DD',
  },
  'registration.range_too_long': {
    ko: '기간이 {days}일입니다. 최대 {max}일까지입니다.',
    en: 'the range is {days} days; at most {max}',
    'zh-TW': '區間為 {days} 天，最多 {max} 天',
  },
  'registration.bigquery_first': {
    ko: 'BigQuery 프로젝트, 데이터셋, 테이블을 먼저 설정하세요.',
    en: 'set the BigQuery project, dataset and table first',
    'zh-TW': '請先設定 BigQuery 專案、資料集與資料表',
  },
  'registration.kktix_refused': {
    ko: 'KKTIX가 거절했습니다: {reason}',
    en: '{reason}',
    'zh-TW': 'KKTIX 拒絕：{reason}',
  },
  'registration.kktix_token': {
    ko: 'KKTIX가 토큰을 거절했습니다 (HTTP {status}). 주최자 토큰을 확인하세요.',
    en: 'KKTIX refused the token (HTTP {status}); check the configured organiser token',
    'zh-TW': 'KKTIX 拒絕了權杖 (HTTP {status})，請檢查主辦單位權杖',
  },
  'registration.kktix_not_found': {
    ko: 'KKTIX에서 찾을 수 없습니다 ({path}). 이벤트 ID를 확인하세요.',
    en: 'KKTIX has nothing at {path}: check the event id',
  },
  'registration.kktix_rate_limited': {
    ko: 'KKTIX가 요청을 제한하고 있습니다 (HTTP 429, {path}). 잠시 뒤에 다시 하세요.',
    en: 'KKTIX is rate limiting us (HTTP 429) on {path}; try again later',
  },
  'registration.kktix_http': {
    ko: 'KKTIX가 {path}에 HTTP {status}로 답했습니다: {excerpt}',
    en: 'KKTIX answered HTTP {status} for {path}: {excerpt}',
  },
  'registration.kktix_not_json': {
    ko: 'KKTIX가 {path}에 JSON이 아닌 답을 보냈습니다.',
    en: 'KKTIX sent non-JSON for {path}',
  },
  'registration.webhook_not_json': { ko: 'JSON이 아닙니다.', en: 'is not JSON' },
  'registration.webhook_orders': {
    ko: '주문 목록이어야 합니다 (JSON 배열이나 `orders`가 있는 객체).',
    en: 'must be a list of orders (a JSON array, or an object with `orders`)',
  },
  'registration.secrets_unreadable': {
    ko: '{slug}에 저장된 인증 정보를 열 수 없습니다. REGISTRATION_SECRET(또는 서비스 비밀 값)이 바뀌었으니 토큰을 다시 입력하세요.',
    en: 'the saved credentials of {slug} cannot be opened: REGISTRATION_SECRET (or the service secret) changed; enter the tokens again',
  },
  'registration.unknown_slug': { ko: '없는 행사 슬러그입니다: {slug}', en: 'unknown event slug {slug}' },
  'registration.bigquery_failed': { ko: 'BigQuery가 거절했습니다: {reason}', en: 'BigQuery: {reason}' },
} as const satisfies Record<string, Texts>;
