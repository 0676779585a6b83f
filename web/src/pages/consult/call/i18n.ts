import type { Words } from '../../../i18n.tsx';

/** Phone consultations over the 060 line: before the call, the number to dial, the bill. */
const ko = {
  'consult.call.title': '전화 상담',
  'consult.call.listTitle': '내 전화 상담',
  'consult.call.none': '아직 전화 상담이 없습니다.',
  'consult.call.rate': '30초당 {n}P',
  'consult.call.rateLabel': '요금',
  'consult.call.status.online': '상담 가능',
  'consult.call.status.offline': '부재중',
  'consult.call.status.busy': '통화중',
  'consult.call.balance': '보유 포인트',
  'consult.call.minimumN': '최소 필요 포인트 ({m}분)',
  'consult.call.buys': '지금 잔액으로 통화 가능 시간',
  'consult.call.short': '포인트가 부족합니다. 전화 상담은 최소 {n}P가 있어야 시작할 수 있습니다.',
  'consult.call.charge': '포인트 충전하기',
  'consult.call.notNow': '지금은 이 상담사가 전화를 받을 수 없습니다.',
  'consult.call.phone': '전화를 걸 휴대폰 번호',
  'consult.call.phoneHint': '이 번호로 걸어야 상담이 연결되고 과금됩니다.',
  'consult.call.how':
    '시작하면 통화 가능 시간만큼 포인트가 잠시 묶입니다. 통화가 끝나면 실제 통화 시간(30초 단위)만큼만 쓰이고 나머지는 돌아옵니다. 30분 안에 전화하지 않으면 모두 돌아옵니다.',
  'consult.call.start': '전화 상담 시작',
  'consult.call.open': '진행 중인 전화 상담이 있습니다.',
  'consult.call.seeOpen': '진행 중인 상담 보기',
  'consult.call.dial': '이 번호로 전화하세요',
  'consult.call.code': '연결 후 상담사 코드',
  'consult.call.remaining': '통화 가능 시간',
  'consult.call.window': '{time}까지 전화하세요 (남은 시간 {left})',
  'consult.call.held': '사용 대기 포인트',
  'consult.call.from': '발신 번호',
  'consult.call.waiting': '전화를 기다리고 있습니다…',
  'consult.call.inCall': '통화 중입니다. 끊으면 여기에 정산이 나옵니다.',
  'consult.call.ended': '전화 상담이 끝났습니다.',
  'consult.call.billed': '통화 시간 (과금)',
  'consult.call.used': '사용 포인트',
  'consult.call.returned': '돌려받은 포인트',
  'consult.call.released': '30분 안에 전화가 오지 않아 묶였던 포인트를 모두 돌려드렸습니다.',
  'consult.call.releasedShort': '취소됨 · 포인트 반환',
  'consult.call.duration': '{m}분 {s}초',
  'consult.call.simulate': '데모: 060 통화 시뮬레이션 열기',
  'consult.call.simulateNote': '데모 서버입니다. 실제 전화 대신 060 대역 서비스에서 통화를 흉내 냅니다.',
  'consult.call.toCounselor': '상담사 프로필로',
  'consult.call.toProfile': '내 포인트 보기',
  'consult.call.reconnecting': '연결을 다시 시도하고 있습니다…',
};

type ConsultCallKey = keyof typeof ko;

const en: Record<ConsultCallKey, string> = {
  'consult.call.title': 'Phone consultation',
  'consult.call.listTitle': 'My phone consultations',
  'consult.call.none': 'No phone consultations yet.',
  'consult.call.rate': '{n} P per 30 s',
  'consult.call.rateLabel': 'Rate',
  'consult.call.status.online': 'Available',
  'consult.call.status.offline': 'Away',
  'consult.call.status.busy': 'On a call',
  'consult.call.balance': 'Your points',
  'consult.call.minimumN': 'Points needed ({m} min)',
  'consult.call.buys': 'Your balance buys',
  'consult.call.short': 'Not enough points. A phone consultation needs at least {n} P to start.',
  'consult.call.charge': 'Buy points',
  'consult.call.notNow': 'This counselor cannot take calls right now.',
  'consult.call.phone': 'The mobile number you will call from',
  'consult.call.phoneHint': 'Call from this number: it is how the line knows you and bills you.',
  'consult.call.how':
    'Starting sets aside the points for the time shown. When the call ends only the time talked (in 30 s units) is used and the rest comes back. If you do not call within 30 minutes, all of it comes back.',
  'consult.call.start': 'Start the phone consultation',
  'consult.call.open': 'You have a phone consultation open.',
  'consult.call.seeOpen': 'See the open consultation',
  'consult.call.dial': 'Call this number',
  'consult.call.code': 'Then enter the counselor code',
  'consult.call.remaining': 'Time you can talk',
  'consult.call.window': 'Call by {time} ({left} left)',
  'consult.call.held': 'Points set aside',
  'consult.call.from': 'Calling from',
  'consult.call.waiting': 'Waiting for your call…',
  'consult.call.inCall': 'On the call. The bill shows here when you hang up.',
  'consult.call.ended': 'The phone consultation has ended.',
  'consult.call.billed': 'Time billed',
  'consult.call.used': 'Points used',
  'consult.call.returned': 'Points returned',
  'consult.call.released': 'No call came within 30 minutes: all the points set aside are back.',
  'consult.call.releasedShort': 'Released · points back',
  'consult.call.duration': '{m} min {s} s',
  'consult.call.simulate': 'Demo: open the 060 call simulator',
  'consult.call.simulateNote': 'This is a demo server: the 060 stand-in simulates the phone call.',
  'consult.call.toCounselor': 'Back to the counselor',
  'consult.call.toProfile': 'See my points',
  'consult.call.reconnecting': 'Reconnecting…',
};

declare module '../../../i18n.tsx' {
  interface ModuleKeys {
    consultCall: ConsultCallKey;
  }
}

export const consultCallWords: Words<ConsultCallKey> = { ko, en };
