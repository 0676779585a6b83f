/**
 * "내 티켓": the seats held for the buyer and not yet confirmed, each with its countdown and the way
 * back to confirm, and the holds that ran out lately (so the buyer learns the seats went back).
 * Its words live here, apart from the tickets dictionary, so the use case is one file.
 */
import { useEffect } from 'react';
import type { MyHold } from '../../api.ts';
import { countdown, dateTime, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Badge, useNow } from '../../ui.tsx';

const words = {
  ko: {
    title: '확정을 기다리는 좌석',
    titleGone: '확정하지 못한 좌석',
    hint: '시간 안에 확정하지 않으면 좌석이 다른 분께 돌아갑니다.',
    left: '남은 시간',
    confirm: '확정하러 가기',
    fromWaitlist: '대기 신청하신 좌석',
    held: '확정 대기',
    expired: '시간 지남',
    expiredNote: '확정하지 않아 좌석이 풀렸습니다.',
    again: '다시 예매하기',
    mailed: '취소 확인 메일을 보냈습니다.',
    mailbox: '메일함 열기',
  },
  en: {
    title: 'Seats waiting for you to confirm',
    titleGone: 'Seats not confirmed in time',
    hint: 'Seats not confirmed in time go back on sale.',
    left: 'Time left',
    confirm: 'Go and confirm',
    fromWaitlist: 'From your waiting-list place',
    held: 'to confirm',
    expired: 'ran out',
    expiredNote: 'Not confirmed in time: the seats went back on sale.',
    again: 'Book again',
    mailed: 'A cancellation receipt was mailed to you.',
    mailbox: 'Open the mailbox',
  },
} as const;

type W = keyof (typeof words)['ko'];

/** After a cancellation: the receipt went out by mail, and where to read it. */
export function MailedNote() {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  return (
    <span data-testid="cancel-mailed">
      {w.mailed} <Link to="/mailbox">{w.mailbox} →</Link>
    </span>
  );
}

export function MyHolds({ holds, onRunOut }: { holds: MyHold[]; onRunOut: () => void }) {
  const { lang } = useI18n();
  const w = (k: W) => words[lang === 'ko' ? 'ko' : 'en'][k];
  const now = useNow(1000);
  // When an open hold's clock runs out, ask the server again: it then says "expired".
  const runOut = holds.some((h) => h.status === 'held' && Date.parse(h.expiresAt) <= now);
  useEffect(() => {
    if (!runOut) return;
    const timer = setTimeout(onRunOut, 800);
    return () => clearTimeout(timer);
  }, [runOut, onRunOut]);
  if (holds.length === 0) return null;
  const anyOpen = holds.some((h) => h.status === 'held' && Date.parse(h.expiresAt) > now);
  return (
    <section className="my-holds" data-testid="my-holds">
      <h2>{w(anyOpen ? 'title' : 'titleGone')}</h2>
      {anyOpen && <p className="muted small">{w('hint')}</p>}
      <div className="tickets">
        {holds.map((h) => {
          const left = Date.parse(h.expiresAt) - now;
          const open = h.status === 'held' && left > 0;
          const event = `/events/${encodeURIComponent(h.eventCode)}`;
          return (
            <article
              key={h.id}
              className={`card my-hold${open ? '' : ' ticket-cancelled'}`}
              data-testid="my-hold"
              data-status={open ? 'held' : 'expired'}
            >
              <div className="my-hold-info">
                <div className="ticket-head">
                  <Badge tone={open ? 'amber' : 'gray'}>{w(open ? 'held' : 'expired')}</Badge>
                  {h.fromWaitlist && <span className="muted small">{w('fromWaitlist')}</span>}
                </div>
                <h3 className="clamp-2">
                  <Link to={event}>{h.eventTitle}</Link>
                </h3>
                <div>{dateTime(h.startsAt, h.timezone, lang)}</div>
                <div>
                  {h.ticketTypeName} × {h.quantity} · <strong>{won(h.unitPrice * h.quantity, lang)}</strong>
                </div>
                {!open && <div className="muted small">{w('expiredNote')}</div>}
              </div>
              {open ? (
                <div className="my-hold-act">
                  <div className={`countdown${left < 60_000 ? ' urgent' : ''}`}>
                    <span className="countdown-label">{w('left')}</span>
                    <span className="countdown-value" data-testid="my-hold-countdown" aria-live="off">
                      {countdown(left)}
                    </span>
                  </div>
                  <Link
                    className="btn btn-primary"
                    to={`/holds/${h.id}?event=${encodeURIComponent(h.eventCode)}`}
                  >
                    {w('confirm')}
                  </Link>
                </div>
              ) : (
                <div className="my-hold-act">
                  <Link className="btn btn-ghost btn-small" to={event}>
                    {w('again')}
                  </Link>
                </div>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}
