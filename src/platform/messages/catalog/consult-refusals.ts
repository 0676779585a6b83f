import type { Texts } from '../index.ts';

/** The consult module's refusals beyond the first set (consult.ts). */
export const consultRefusals = {
  // States inside a message ({state} of the codes below), in the reader's language.
  'consult.state.new': { ko: '접수', en: 'new' },
  'consult.state.accepted': { ko: '승인', en: 'accepted' },
  'consult.state.rejected': { ko: '거절', en: 'rejected' },
  'consult.state.active': { ko: '사용 중', en: 'active' },
  'consult.state.suspended': { ko: '정지', en: 'suspended' },
  'consult.state.withdrawn': { ko: '탈퇴', en: 'withdrawn' },
  'consult.state.pending': { ko: '결제 대기', en: 'pending' },
  'consult.state.failed': { ko: '실패', en: 'failed' },
  'consult.state.credited': { ko: '충전 완료', en: 'credited' },
  'consult.state.refunded': { ko: '환불됨', en: 'refunded' },
  'consult.who.user': { ko: '상담 회원', en: 'user' },
  'consult.who.counselor': { ko: '상담사', en: 'counselor' },
  'consult.no_push_device': {
    ko: '푸시를 받는 기기가 없습니다. 먼저 푸시 알림을 켜세요.',
    en: 'none of your devices takes push: turn on push notifications first',
  },
  'consult.call_used_elsewhere': {
    ko: '다른 통화가 이 상담을 사용했습니다.',
    en: 'another call used this consultation',
  },
  'consult.own_picture': { ko: '직접 올린 사진 중에서 고르세요.', en: 'one of your own uploaded pictures' },
  'consult.application_decided': {
    ko: '이미 처리된 지원서입니다 ({state}).',
    en: 'this application was {state} already',
  },
  'consult.counselor_only_items': {
    ko: '상담사만 상담 상품을 가질 수 있습니다.',
    en: 'only a counselor has service items',
  },
  'consult.not_your_item': { ko: '내 상품이 아닙니다.', en: 'not one of your items' },
  'consult.iso_time': { ko: '올바른 일시가 아닙니다.', en: 'an ISO time' },
  'consult.in_future': { ko: '앞으로의 시각이어야 합니다.', en: 'in the future' },
  'consult.only_user_pays': {
    ko: '요청을 받은 회원만 결제할 수 있습니다.',
    en: 'only the user asked pays a request',
  },
  'consult.counselor_unpayable': {
    ko: '지금은 이 상담사에게 결제할 수 없습니다.',
    en: 'this counselor cannot be paid now',
  },
  'consult.only_counselor_completes': {
    ko: '상담사만 요청을 완료할 수 있습니다.',
    en: 'only the counselor marks a request done',
  },
  'consult.refund_by_counselor': {
    ko: '상담사나 관리자만 환불할 수 있습니다.',
    en: 'the counselor or an admin refunds a request',
  },
  'consult.only_side': { ko: '{who}만 할 수 있습니다.', en: 'only the {who} may do this' },
  'consult.account_state': {
    ko: '{address} 계정은 {state} 상태입니다.',
    en: 'the account {address} is {state}',
  },
  'consult.account_state_field': { ko: '이 계정은 {state} 상태입니다.', en: 'that account is {state}' },
  'consult.chat_self': {
    ko: '본인입니다. 다른 사람과 채팅을 여세요.',
    en: 'this is you: open a chat with someone else',
  },
  'consult.admin_read_only': {
    ko: '관리자는 상담사 채팅을 읽기만 하고, 문의에서만 글을 씁니다.',
    en: 'admins read counselor chats; they write only in inquiries',
  },
  'consult.text_or_image': { ko: '글이나 사진 중 하나를 보내세요.', en: 'send text or an image' },
  'consult.not_your_image': { ko: '직접 올린 사진이 아닙니다.', en: 'not an image you uploaded' },
  'consult.block_counselor_only': {
    ko: '상담사 채팅만 차단할 수 있습니다.',
    en: 'only a counselor chat can be blocked',
  },
  'consult.already_blocked': { ko: '이미 차단된 채팅입니다.', en: 'this chat is blocked already' },
  'consult.unblock_by_blocker': {
    ko: '차단한 사람만 차단을 풀 수 있습니다.',
    en: 'only who blocked this chat may unblock it',
  },
  'consult.admin_no_report': { ko: '관리자는 채팅을 신고하지 않습니다.', en: 'admins do not report rooms' },
  'consult.not_in_room': { ko: '이 채팅의 메시지가 아닙니다.', en: 'not a message of this room' },
  'consult.points_elsewhere': {
    ko: '포인트는 /consult/points에서 충전합니다.',
    en: 'points are bought at /consult/points',
  },
  'consult.refund_credited_only': {
    ko: '충전이 끝난 구매만 환불할 수 있습니다 (지금: {state}).',
    en: 'only a credited purchase can be refunded; this one is {state}',
  },
  'consult.no_order': { ko: '결제 주문이 없는 구매입니다.', en: 'this purchase has no payment order' },
  'consult.no_point_item': { ko: '없는 포인트 상품입니다.', en: 'no such point item' },
  'consult.point_item_off': { ko: '판매하지 않는 포인트 상품입니다.', en: 'this point item is not on sale' },
  'consult.date_format': { ko: '날짜를 YYYY-MM-DD로 입력하세요.', en: 'a date YYYY-MM-DD' },
  'consult.to_after_from': { ko: '시작일과 같거나 뒤여야 합니다.', en: 'on or after from' },
  'consult.range_year': { ko: '기간은 1년까지입니다.', en: 'at most a year after from' },
  'consult.image_twice': { ko: '같은 사진이 두 번 있습니다.', en: 'an image is listed twice' },
  'consult.not_post_image': {
    ko: '게시글용으로 직접 올린 사진이 아닙니다.',
    en: 'not an image you uploaded for a post',
  },
  'consult.admin_notices': { ko: '공지는 관리자만 쓸 수 있습니다.', en: 'only admins write notices' },
  'consult.admin_no_rewrite': {
    ko: '관리자는 다른 사람의 글을 숨기거나 지울 수 있지만 고쳐 쓰지는 않습니다.',
    en: 'admins hide or delete other people’s posts, they do not rewrite them',
  },
  'consult.market_not_open': {
    ko: '사주 마켓은 아직 열리지 않았습니다.',
    en: 'the fortune market is not open yet',
  },
} as const satisfies Record<string, Texts>;
