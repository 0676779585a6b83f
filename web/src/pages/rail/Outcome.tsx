/**
 * What a slow rail action shows while it runs (which operator is asked, for how long already) and
 * what a reservation won: train, seats, class, price and the payment deadline with its countdown.
 * The words live here, apart from the rail dictionary, so this file is one use case whole.
 */
import { countdown, won } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { useNow } from '../../ui.tsx';
import { hhmm, label, type Provider, type RailReservation, ymd } from './api.ts';

const words = {
  ko: {
    searching: '{op}에 조회 중…',
    searchingHint: '운영사 응답은 보통 3–8초 걸립니다.',
    reserving: '{op}에 {train} 열차 좌석을 예약하는 중…',
    reservingHint: '운영사가 좌석을 확인하고 잡는 데 10초쯤 걸립니다. 창을 닫지 마세요.',
    watching: '감시를 등록하는 중…',
    elapsed: '{n}초 지남',
    won: '좌석을 잡았습니다',
    seats: '좌석',
    class: '등급',
    price: '금액',
    payBy: '결제 기한',
    left: '남은 시간',
    expired: '결제 기한이 지났습니다. 예약이 취소되었을 수 있습니다.',
    payHint: '결제는 {op} 앱에서 기한 안에 하세요. yeyak은 결제하지 않습니다.',
    toList: '내 열차 예약 보기',
    general: '일반실',
    special: '특실',
    pnr: '예약번호 {pnr}',
    cancelled: '{train} 예약을 취소했습니다. 확인 메일을 보냈습니다.',
    mailbox: '메일함 열기',
  },
  en: {
    searching: 'Asking {op} for trains…',
    searchingHint: 'The operator usually answers in 3–8 s.',
    reserving: 'Reserving a seat on {train} with {op}…',
    reservingHint: 'The operator takes about 10 s to check and hold the seat. Keep this page open.',
    watching: 'Starting the watch…',
    elapsed: '{n} s so far',
    won: 'Seat reserved',
    seats: 'Seats',
    class: 'Class',
    price: 'Price',
    payBy: 'Pay by',
    left: 'Time left',
    expired: 'The payment deadline has passed; the operator may have cancelled the reservation.',
    payHint: 'Pay in the {op} app before the deadline; yeyak never pays.',
    toList: 'My rail reservations',
    general: 'Standard',
    special: 'First',
    pnr: 'Reservation {pnr}',
    cancelled: 'Cancelled {train}. A receipt was mailed to you.',
    mailbox: 'Open the mailbox',
  },
} as const;

type W = keyof (typeof words)['ko'];

function useWords() {
  const { lang } = useI18n();
  const dict = words[lang === 'ko' ? 'ko' : 'en'];
  return (k: W, vars: Record<string, string | number> = {}) =>
    dict[k].replace(/\{(\w+)\}/g, (_, v: string) => String(vars[v] ?? `{${v}}`));
}

/** The operator's name as a Korean reader says it. */
const operator = (p: Provider, lang: Lang) => (p === 'korail' && lang === 'ko' ? '코레일' : label(p));

/** "SRT 335", never "SRT SRT 335": the operator is named only when the train type does not say it. */
export function trainName(provider: Provider, type: string, no: string): string {
  return `${type.startsWith(label(provider)) ? '' : `${label(provider)} `}${type} ${no}`;
}

export type Pending =
  | { kind: 'search'; provider: Provider; since: number }
  | { kind: 'reserve'; provider: Provider; train: string; since: number }
  | { kind: 'watch'; provider: Provider; since: number };

/** "SRT에 조회 중… 4초 지남": a live line, not only a greyed button. */
export function RailProgress({ pending }: { pending: Pending }) {
  const w = useWords();
  const { lang } = useI18n();
  const now = useNow(500);
  const op = operator(pending.provider, lang);
  const secs = Math.max(0, Math.floor((now - pending.since) / 1000));
  return (
    <div className="alert alert-info rail-progress" role="status" data-testid="rail-progress">
      <span className="spinner" aria-hidden="true" />
      <div>
        <strong>
          {pending.kind === 'search'
            ? w('searching', { op })
            : pending.kind === 'reserve'
              ? w('reserving', { op, train: pending.train })
              : w('watching')}
        </strong>
        {pending.kind !== 'watch' && (
          <div className="small">
            {w(pending.kind === 'search' ? 'searchingHint' : 'reservingHint')}{' '}
            <span className="muted">{w('elapsed', { n: secs })}</span>
          </div>
        )}
      </div>
    </div>
  );
}

/** After a cancellation: what was cancelled, and that its receipt is in the mailbox. */
export function RailCancelledNote({ r }: { r: RailReservation }) {
  const w = useWords();
  return (
    <div className="alert alert-success" role="status" data-testid="rail-cancelled">
      <span>
        {w('cancelled', { train: trainName(r.provider, r.trainType, r.trainNo) })}{' '}
        <Link to="/mailbox">{w('mailbox')} →</Link>
      </span>
    </div>
  );
}

/** The seat a reservation won, with the payment deadline counting down. */
export function ReservedCard({ r }: { r: RailReservation }) {
  const w = useWords();
  const { lang } = useI18n();
  const now = useNow(1000);
  const op = operator(r.provider, lang);
  const left = r.paymentDeadline ? Date.parse(r.paymentDeadline) - now : null;
  const seatClass = r.seatClass === 'special' || r.seatClass === 'general' ? w(r.seatClass) : r.seatClass;
  return (
    <div className="result result-green rail-won" data-testid="rail-won" role="status">
      <div className="result-title">{w('won')}</div>
      <div>
        <strong>{trainName(r.provider, r.trainType, r.trainNo)}</strong> · {r.from} → {r.to}
      </div>
      <div>
        {ymd(r.date)} {hhmm(r.departure)}–{hhmm(r.arrival)} ·{' '}
        <span className="small">{w('pnr', { pnr: r.pnr })}</span>
      </div>
      <dl className="rail-won-facts">
        <dt>{w('seats')}</dt>
        <dd data-testid="rail-won-seats">
          {r.seats.map((s) => `${s.car}-${s.seat}`).join(', ') || `${r.seatCount}`}
        </dd>
        {seatClass && (
          <>
            <dt>{w('class')}</dt>
            <dd>{seatClass}</dd>
          </>
        )}
        <dt>{w('price')}</dt>
        <dd>
          <strong>{won(r.totalPrice, lang)}</strong>
        </dd>
        {r.paymentDeadline && (
          <>
            <dt>{w('payBy')}</dt>
            <dd>
              {new Date(r.paymentDeadline).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
                timeZone: 'Asia/Seoul',
                hour: '2-digit',
                minute: '2-digit',
              })}
            </dd>
          </>
        )}
      </dl>
      {left !== null &&
        (left > 0 ? (
          <div className={`countdown${left < 3 * 60_000 ? ' urgent' : ''}`} data-testid="rail-won-countdown">
            <span className="countdown-label">{w('left')}</span>
            <span className="countdown-value" aria-live="off">
              {countdown(left)}
            </span>
          </div>
        ) : (
          <div>{w('expired')}</div>
        ))}
      <div className="small">{w('payHint', { op })}</div>
      <Link className="btn btn-primary" to="/rail/reservations">
        {w('toList')}
      </Link>
    </div>
  );
}
