import { useDemo } from './demo.tsx';
import { type Lang, useI18n } from './i18n.tsx';
import { Link } from './router.tsx';
import { Icon, type IconName } from './section.tsx';

const words = {
  ko: {
    lead: 'yeyak은 예약을 대신 챙겨 드립니다.',
    sub: '공연 티켓을 팔고, 매진된 기차표의 빈자리를 잡고, 행사 참가자를 자동으로 맞이합니다.',
    sandbox: '데모: 연습용 샌드박스',
    doors: [
      {
        to: '#events',
        icon: 'ticket',
        title: '공연 예매',
        body: '회차와 좌석을 고르고 QR 티켓을 메일로 받으세요.',
      },
      {
        to: '/rail',
        icon: 'watch',
        title: '기차 빈자리 감시',
        body: 'KTX·SRT 매진 열차의 취소표가 나오면 바로 잡아 드립니다.',
      },
      {
        to: '/registration',
        icon: 'users',
        title: '행사 등록 자동화',
        body: 'KKTIX 참가자를 입장시키고 메일과 Discord로 알립니다(기획자용).',
      },
    ],
  },
  en: {
    lead: 'yeyak takes care of your bookings.',
    sub: 'Sell performance tickets, catch a freed seat on a sold-out train, and welcome every attendee automatically.',
    sandbox: 'Demo: a sandbox to try things in',
    doors: [
      {
        to: '#events',
        icon: 'ticket',
        title: 'Buy tickets',
        body: 'Pick a showtime and seats; your QR ticket arrives by e-mail.',
      },
      {
        to: '/rail',
        icon: 'watch',
        title: 'Watch a sold-out train',
        body: 'When someone cancels a KTX or SRT seat, yeyak grabs it for you.',
      },
      {
        to: '/registration',
        icon: 'users',
        title: 'Automate registration',
        body: 'Admit KKTIX attendees, mail them and announce on Discord (organisers).',
      },
    ],
  },
} satisfies Record<
  Lang,
  { doors: { to: string; icon: IconName; title: string; body: string }[] } & Record<string, unknown>
>;

/** What yeyak is and its three doors, above the front page for a visitor who has not logged in. */
export function Welcome() {
  const { lang } = useI18n();
  const { demo } = useDemo();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  return (
    <section className="welcome" aria-labelledby="welcome-lead" data-testid="welcome">
      <p className="welcome-lead" id="welcome-lead">
        {w.lead}
      </p>
      <p className="muted">{w.sub}</p>
      {demo && <p className="welcome-sandbox">{w.sandbox}</p>}
      <ul className="doors">
        {w.doors.map((d) => (
          <li key={d.to}>
            {d.to.startsWith('#') ? (
              <a href={d.to} className="door card">
                <Icon name={d.icon} size={28} />
                <span>
                  <strong>{d.title}</strong>
                  <span className="muted small">{d.body}</span>
                </span>
              </a>
            ) : (
              <Link to={d.to} className="door card">
                <Icon name={d.icon} size={28} />
                <span>
                  <strong>{d.title}</strong>
                  <span className="muted small">{d.body}</span>
                </span>
              </Link>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
