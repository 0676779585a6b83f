import { useEffect } from 'react';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Icon, type IconName, SectionTabs } from '../../section.tsx';

type AdminPage = { to: string; icon: IconName; ko: string; en: string; koAbout: string; enAbout: string };

/** Every admin page, in menu order: the tabs on each admin page and the cards of /admin. */
export const ADMIN_PAGES: readonly AdminPage[] = [
  {
    to: '/admin/users',
    icon: 'users',
    ko: '사용자',
    en: 'Users',
    koAbout: '계정 찾기, 역할과 상태 바꾸기',
    enAbout: 'Find accounts, change roles and states',
  },
  {
    to: '/admin/settings',
    icon: 'settings',
    ko: '설정',
    en: 'Settings',
    koAbout: '운영 중 바꾸는 값: 공지, 보관 기간, 선점 시간',
    enAbout: 'Values changed while running: notice, retention, hold times',
  },
  {
    to: '/admin/payments',
    icon: 'card',
    ko: '결제',
    en: 'Payments',
    koAbout: '주문과 결제 상태, 취소와 부분 환불',
    enAbout: 'Orders and their payment state; cancel and partial refunds',
  },
  {
    to: '/admin/log',
    icon: 'log',
    ko: '서버 로그',
    en: 'Server log',
    koAbout: '오류, 실패한 작업, 거부된 요청, 관리 변경 기록',
    enAbout: 'Errors, failed jobs, refused requests, admin changes',
  },
  {
    to: '/admin/events/dead',
    icon: 'alert',
    ko: '전달 실패',
    en: 'Dead letters',
    koAbout: '처리하지 못한 이벤트를 보고 다시 보내기',
    enAbout: 'Events that could not be handled; send them again',
  },
  {
    to: '/consult/admin',
    icon: 'home',
    ko: '상담 마켓',
    en: 'Consult marketplace',
    koAbout: '상담사 동기화, 지원서, 포인트 상품, 구매와 정산, 푸시, 채팅',
    enAbout: 'Counselor sync, applications, point items, purchases and settlement, push, chats',
  },
];

const menuLabel = (lang: Lang) => (lang === 'ko' ? '관리 메뉴' : 'Administration');

/** The admin pages' own menu on each of them (a bottom tab bar on a phone). */
export function AdminTabs() {
  const { lang } = useI18n();
  const ko = lang === 'ko';
  const tabs = [
    { to: '/admin', icon: 'home' as const, label: ko ? '관리' : 'Admin', exact: true },
    ...ADMIN_PAGES.map((p) => ({ to: p.to, icon: p.icon, label: ko ? p.ko : p.en })),
  ];
  return <SectionTabs tabs={tabs} label={menuLabel(lang)} />;
}

/** `/admin`: the administration menu, one card per admin page with what it is for. */
export function AdminHomePage() {
  const { lang } = useI18n();
  const ko = lang === 'ko';
  useEffect(() => {
    document.title = `${ko ? '관리' : 'Administration'} · yeyak`;
  }, [ko]);
  return (
    <section>
      <AdminTabs />
      <div className="page-head">
        <h1>{ko ? '관리' : 'Administration'}</h1>
      </div>
      <ul className="admin-menu" aria-label={menuLabel(lang)}>
        {ADMIN_PAGES.map((p) => (
          <li key={p.to}>
            <Link to={p.to} className="admin-card card">
              <Icon name={p.icon} size={28} />
              <span>
                <strong>{ko ? p.ko : p.en}</strong>
                <span className="muted small">{ko ? p.koAbout : p.enAbout}</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
