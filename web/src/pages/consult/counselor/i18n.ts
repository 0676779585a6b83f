import type { Words } from '../../../i18n.tsx';

/** `/consult/apply` (apply as a counselor) and `/consult/me/counselor` (a counselor's own profile). */
const ko = {
  'consult.counselor.apply': '상담사 지원',
  'consult.counselor.applyIntro':
    '사주 상담사로 활동하고 싶으신가요? 아래 내용을 보내 주시면 운영자가 검토 후 연락드립니다. 승인되면 060 상담 번호에 등록되고, 이 이메일로 계정 초대를 받습니다.',
  'consult.counselor.applyLink': '상담사로 지원하기',
  'consult.counselor.name': '이름',
  'consult.counselor.email': '이메일',
  'consult.counselor.phone': '휴대폰 번호',
  'consult.counselor.phoneHint': '예: 010-1234-5678',
  'consult.counselor.categories': '상담 분야',
  'consult.counselor.services': '상담 방식',
  'consult.counselor.intro': '소개',
  'consult.counselor.career': '경력',
  'consult.counselor.send': '지원서 보내기',
  'consult.counselor.sent': '지원서를 받았습니다. 검토 후 {email}(으)로 연락드립니다.',
  'consult.counselor.me': '상담사 프로필',
  'consult.counselor.notLinked': '이 계정에 연결된 상담사 정보가 없습니다. 운영자에게 문의해 주세요.',
  'consult.counselor.code': '060 코드 {code}',
  'consult.counselor.rate': '30초당 {n}P',
  'consult.counselor.earned': '누적 적립 포인트',
  'consult.counselor.likes': '좋아요',
  'consult.counselor.rating': '평점',
  'consult.counselor.noRating': '리뷰 없음',
  'consult.counselor.ratingOf': '{rating} ({n}개)',
  'consult.counselor.status': '상담 상태',
  'consult.counselor.line.online': '상담 가능',
  'consult.counselor.line.offline': '부재중',
  'consult.counselor.line.busy': '상담중',
  'consult.counselor.goOnline': '상담 가능으로',
  'consult.counselor.goOffline': '부재중으로',
  'consult.counselor.autoOnline': '자동 접속 상태',
  'consult.counselor.autoOnlineHint':
    '앱을 쓰는 동안(최근 10분) 상담 가능, 그 외에는 부재중으로 자동 설정합니다.',
  'consult.counselor.autoOnNote': '자동 접속 상태가 켜져 있어 상태가 자동으로 바뀝니다.',
  'consult.counselor.contact': '연락처',
  'consult.counselor.address': '주소 (방문 상담)',
  'consult.counselor.picture': '프로필 사진',
  'consult.counselor.noPicture': '사진 없음',
  'consult.counselor.detail': '상세 소개',
  'consult.counselor.save': '저장',
  'consult.counselor.saved': '저장했습니다.',
  'consult.counselor.items': '상담 상품 관리',
  'consult.counselor.hidden': '현재 목록에 보이지 않는 상태입니다 ({state}).',
};

export type ConsultCounselorKey = keyof typeof ko;

const en: Record<ConsultCounselorKey, string> = {
  'consult.counselor.apply': 'Apply as a counselor',
  'consult.counselor.applyIntro':
    'Would you like to counsel here? Send us the details below and an operator will review them and get back to you. Once accepted you are registered on the 060 line and invited to an account at this e-mail.',
  'consult.counselor.applyLink': 'Apply as a counselor',
  'consult.counselor.name': 'Name',
  'consult.counselor.email': 'E-mail',
  'consult.counselor.phone': 'Mobile phone',
  'consult.counselor.phoneHint': 'e.g. 010-1234-5678',
  'consult.counselor.categories': 'Categories',
  'consult.counselor.services': 'Services',
  'consult.counselor.intro': 'Introduction',
  'consult.counselor.career': 'Career',
  'consult.counselor.send': 'Send application',
  'consult.counselor.sent': 'Application received. We will reply to {email} after reviewing it.',
  'consult.counselor.me': 'Counselor profile',
  'consult.counselor.notLinked': 'No counselor is linked to this account. Please ask an operator.',
  'consult.counselor.code': '060 code {code}',
  'consult.counselor.rate': '{n} P per 30 s',
  'consult.counselor.earned': 'Points earned',
  'consult.counselor.likes': 'Likes',
  'consult.counselor.rating': 'Rating',
  'consult.counselor.noRating': 'No reviews',
  'consult.counselor.ratingOf': '{rating} ({n})',
  'consult.counselor.status': 'Status',
  'consult.counselor.line.online': 'Available',
  'consult.counselor.line.offline': 'Away',
  'consult.counselor.line.busy': 'In a call',
  'consult.counselor.goOnline': 'Go available',
  'consult.counselor.goOffline': 'Go away',
  'consult.counselor.autoOnline': 'Automatic status',
  'consult.counselor.autoOnlineHint':
    'Available while you use the app (the last 10 minutes), away otherwise, set for you.',
  'consult.counselor.autoOnNote': 'Automatic status is on: your status follows your use of the app.',
  'consult.counselor.contact': 'Contact',
  'consult.counselor.address': 'Address (visits)',
  'consult.counselor.picture': 'Profile picture',
  'consult.counselor.noPicture': 'No picture',
  'consult.counselor.detail': 'Detailed introduction',
  'consult.counselor.save': 'Save',
  'consult.counselor.saved': 'Saved.',
  'consult.counselor.items': 'Manage service items',
  'consult.counselor.hidden': 'You are not listed at the moment ({state}).',
};

declare module '../../../i18n.tsx' {
  interface ModuleKeys {
    consultCounselor: ConsultCounselorKey;
  }
}

export const consultCounselorWords: Words<ConsultCounselorKey> = { ko, en };
