import type { Words } from '../../i18n.tsx';

/** The notification settings page (push consents, this browser, devices), in Korean and English. */
export const pushWords = {
  ko: {
    'push.title': '알림 설정',
    'push.link': '알림 설정',
    'push.consents': '수신 동의',
    'push.consentsHint': '바꿀 때마다 확인 메일을 보내 드립니다. 시각은 한국 시간입니다.',
    'push.c.push': '푸시 알림 받기 (예약 확정·변경 등)',
    'push.c.marketing': '광고성 정보 푸시 받기',
    'push.c.night': '야간(21시~08시)에도 광고성 정보 받기',
    'push.c.nightNeedsMarketing': '광고성 정보 수신에 동의해야 고를 수 있습니다.',
    'push.given': '동의함 · {at}',
    'push.withdrawn': '철회함 · {at}',
    'push.never': '아직 선택하지 않음',
    'push.saved': '저장했습니다. 확인 메일을 보냈습니다.',
    'push.browser': '이 브라우저',
    'push.browserHint': '이 브라우저에서 알림을 받으려면 브라우저의 알림 권한이 필요합니다.',
    'push.enable': '이 브라우저에서 푸시 받기',
    'push.enabled': '이 브라우저에서 푸시를 받습니다.',
    'push.unsupported': '이 브라우저는 웹 푸시를 지원하지 않습니다.',
    'push.denied': '브라우저에서 알림 권한이 거부되었습니다. 브라우저 설정에서 허용해 주세요.',
    'push.noServer': '이 서버에는 웹 푸시가 설정되어 있지 않습니다.',
    'push.failed': '구독하지 못했습니다: {why}',
    'push.devices': '알림을 받는 기기',
    'push.noDevices': '등록된 기기가 없습니다.',
    'push.kind.fcm': '앱',
    'push.kind.webpush': '브라우저',
    'push.since': '{at} 등록',
  },
  en: {
    'push.title': 'Notification settings',
    'push.link': 'Notification settings',
    'push.consents': 'Consents',
    'push.consentsHint': 'Each change is confirmed by e-mail. Times are Korea time.',
    'push.c.push': 'Push notifications (bookings confirmed, changed …)',
    'push.c.marketing': 'Advertising pushes',
    'push.c.night': 'Advertising pushes at night too (21:00–08:00)',
    'push.c.nightNeedsMarketing': 'Give the advertising consent first.',
    'push.given': 'Given · {at}',
    'push.withdrawn': 'Withdrawn · {at}',
    'push.never': 'Not chosen yet',
    'push.saved': 'Saved. A confirmation e-mail is on its way.',
    'push.browser': 'This browser',
    'push.browserHint': 'Push on this browser needs its permission to show notifications.',
    'push.enable': 'Enable push on this browser',
    'push.enabled': 'This browser receives push.',
    'push.unsupported': 'This browser does not support Web Push.',
    'push.denied': 'Notifications are blocked for this site. Allow them in the browser settings.',
    'push.noServer': 'This server has no Web Push set up.',
    'push.failed': 'Could not subscribe: {why}',
    'push.devices': 'Devices that receive push',
    'push.noDevices': 'No devices registered.',
    'push.kind.fcm': 'App',
    'push.kind.webpush': 'Browser',
    'push.since': 'added {at}',
  },
} satisfies Words;

export type PushKey = keyof (typeof pushWords)['ko'];

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    push: PushKey;
  }
}
