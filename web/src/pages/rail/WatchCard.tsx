/** One watch on the watches page: its route and terms, progress, hold, and its edit form when open. */
import { shortDateTime } from '../../format.ts';
import { type Lang, useI18n } from '../../i18n.tsx';
import { Badge } from '../../ui.tsx';
import { chosenGroups, hhmm, label, type RailWatch, ymd } from './api.ts';
import { CHANNELS, EditWatch } from './EditWatch.tsx';
import { type RailT, railMessage, useRailT } from './i18n.ts';
import { PASSENGER_TYPES } from './Passengers.tsx';

const TONE = {
  waiting: 'gray',
  trying: 'blue',
  reserved: 'green',
  failed: 'red',
  stopped: 'gray',
  standby: 'amber',
  standbyEnded: 'gray',
} as const;
export const live = (w: RailWatch) => w.status === 'waiting' || w.status === 'trying';
/** A watch that holds a standby request (예약대기) the operator has not answered yet. */
export const standbyOpen = (w: RailWatch) => !!w.reservation?.standby && w.reservation.status === 'held';
/**
 * What the card says: a standby request is not a seat, so it is not shown as reserved; one that
 * ended without a seat (and did not send its watch back to work) says so.
 */
function shownStatus(w: RailWatch): keyof typeof TONE {
  if (w.status !== 'reserved' || !w.reservation?.standby) return w.status;
  return w.reservation.status === 'held' ? 'standby' : 'standbyEnded';
}

/** The watch's hold: a standby request waiting or ended, or a seat with its payment deadline. */
function WatchReservation({
  r,
  policy,
}: {
  r: NonNullable<RailWatch['reservation']>;
  policy: RailWatch['seatPolicy'];
}) {
  const t = useRailT();
  const { lang } = useI18n();
  const train = `${t('res.pnr', { pnr: r.pnr })} · ${r.trainType} ${r.trainNo} ${hhmm(r.departure)}`;
  if (r.standby)
    return (
      <div
        className={`alert ${r.status === 'held' ? 'alert-warn' : 'alert-info'}`}
        data-testid="rail-watch-standby"
        style={{ marginTop: 8 }}
      >
        {train} · {t(r.status === 'held' ? 'watches.standbyNote' : 'watches.standbyEndedNote')}
      </div>
    );
  return (
    <div className="alert alert-success" data-testid="rail-watch-reservation" style={{ marginTop: 8 }}>
      {train} · <SeatClass r={r} policy={policy} /> · {r.seats.map((s) => `${s.car}-${s.seat}`).join(', ')}
      {r.paymentDeadline &&
        r.status === 'held' &&
        ` · ${t('watches.payBy', { when: shortDateTime(r.paymentDeadline, 'Asia/Seoul', lang) })}`}
      <SeatNotes r={r} policy={policy} />
    </div>
  );
}

/** The class of a hold, always shown: a *-first policy may have taken its second choice. */
export function SeatClass({
  r,
}: {
  r: Pick<NonNullable<RailWatch['reservation']>, 'seatClass'>;
  policy?: string;
}) {
  const t = useRailT();
  if (r.seatClass !== 'general' && r.seatClass !== 'special') return null;
  return (
    <strong data-testid="rail-seat-class" style={{ display: 'inline' }}>
      {t(`class.${r.seatClass}`)}
    </strong>
  );
}

/** What a traveller must not miss: the other class than the first choice, a party not seated together. */
export function SeatNotes({
  r,
  policy,
}: {
  r: Pick<NonNullable<RailWatch['reservation']>, 'seatClass' | 'together' | 'standby'>;
  policy?: string;
}) {
  const t = useRailT();
  const notes: string[] = [];
  if (!r.standby && policy === 'general-first' && r.seatClass === 'special')
    notes.push(t('res.fallbackSpecial'));
  if (!r.standby && policy === 'special-first' && r.seatClass === 'general')
    notes.push(t('res.fallbackGeneral'));
  if (r.together === false) notes.push(t('res.apart'));
  if (!notes.length) return null;
  return (
    <div data-testid="rail-seat-notes" style={{ marginTop: 4, fontWeight: 600 }}>
      {notes.map((n) => (
        <span key={n} style={{ display: 'block' }}>
          ⚠ {n}
        </span>
      ))}
    </div>
  );
}

/** The last result in the reader's language; a standby request is not called "reserved". */
function lastResult(w: RailWatch, t: RailT, lang: Lang): string {
  const text = w.lastResult ?? '';
  if (w.reservation?.standby && /^reserved /.test(text))
    return t('watches.standbyPlaced', { pnr: w.reservation.pnr });
  return railMessage(text, lang);
}

/** "train 305: 1 seat left, 2 asked": a train with seats, but too few for the whole party. */
/** "약 12초마다 확인": the interval the egress budget allows this watch's search now. */
function pollEvery(ms: number, t: RailT): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s >= 120 ? t('watches.everyMin', { n: Math.round(s / 60) }) : t('watches.every', { n: s });
}

function shortageText(x: RailWatch['shortage'][number], t: RailT): string {
  if (x.seatsLeft === null) return t('watches.shortUnknown', { train: x.trainNo, asked: x.asked });
  return t(x.seatsLeft === 1 ? 'watches.shortOne' : 'watches.short', {
    train: x.trainNo,
    left: x.seatsLeft,
    asked: x.asked,
  });
}
/**
 * The shortage note on a phone: each train on a line of its own above the why, Korean words kept
 * whole when the line wraps (the browser would otherwise split 않습니/다), long numbers still wrap.
 * Sized here because .alert's own size overrides the .small class.
 */
const SHORTAGE_STYLE = {
  marginTop: 8,
  fontSize: '0.85rem',
  lineHeight: 1.5,
  wordBreak: 'keep-all',
  overflowWrap: 'anywhere',
} as const;

/** What the watch will reserve, in words: passengers, seats, channels, when it gives up. */
function terms(w: RailWatch, t: RailT, lang: Lang): string[] {
  return [
    ...(w.trainTypes && !w.trainNo
      ? [
          t('types.only', {
            list: chosenGroups(w.provider, w.trainTypes)
              .map((g) => t(`group.${g}`))
              .join('·'),
          }),
        ]
      : []),
    ...PASSENGER_TYPES.filter((k) => (w.passengers[k] ?? 0) > 0).map(
      (k) => `${t(`pax.${k}`)} ${w.passengers[k]}`,
    ),
    t(`policy.${w.seatPolicy}`),
    ...(w.seatPosition !== 'any' ? [t(`position.${w.seatPosition}`)] : []),
    ...(w.seatDirection !== 'any' ? [t(`direction.${w.seatDirection}`)] : []),
    ...(w.standby ? [t('watches.standbyOn')] : []),
    w.notify.length
      ? CHANNELS.filter((c) => w.notify.includes(c))
          .map((c) => t(`channel.${c}`))
          .join('·')
      : t('watches.noNotify'),
    ...(w.deadline ? [t('watches.until', { when: shortDateTime(w.deadline, 'Asia/Seoul', lang) })] : []),
    t('watches.stopsBefore', { n: w.stopBeforeMinutes }),
  ];
}

export function WatchCard({
  w,
  editing,
  onEdit,
  onStop,
  onRemove,
  onEditDone,
  onEditCancel,
}: {
  w: RailWatch;
  editing: boolean;
  onEdit: () => void;
  onStop: () => void;
  onRemove: () => void;
  onEditDone: () => void;
  onEditCancel: () => void;
}) {
  const t = useRailT();
  const { lang } = useI18n();
  return (
    <article
      className="card"
      data-testid="rail-watch"
      data-watch={w.id}
      data-status={w.status}
      data-shown={shownStatus(w)}
    >
      <div className="row">
        <div>
          <Badge tone={TONE[shownStatus(w)]}>{t(`status.${shownStatus(w)}`)}</Badge>{' '}
          <strong>
            {label(w.provider)} {w.from} → {w.to}
          </strong>{' '}
          {ymd(w.date)}{' '}
          {w.trainNos.length > 1
            ? t('watches.trains', { list: w.trainNos.join(', ') })
            : w.trainNo
              ? t('watches.train', { no: w.trainNo })
              : `${hhmm(w.timeFrom)}–${hhmm(w.timeTo)}`}
          {!w.trainNo && <span className="muted small"> · {t(`select.${w.selection}`)}</span>}
          <div className="muted small" data-testid="rail-watch-terms">
            {terms(w, t, lang).join(' · ')}
          </div>
        </div>
        <div className="actions">
          {live(w) && (
            <>
              <button type="button" className="btn btn-small" onClick={onEdit}>
                {t('watches.edit')}
              </button>
              <button type="button" className="btn btn-small btn-danger-ghost" onClick={onStop}>
                {t('watches.stop')}
              </button>
            </>
          )}
          {!live(w) && (
            <button type="button" className="btn btn-small btn-ghost" onClick={onRemove}>
              {t('watches.delete')}
            </button>
          )}
        </div>
      </div>
      {live(w) && w.startAt && (
        <div className="alert alert-info" data-testid="rail-watch-opens" style={{ marginTop: 8 }}>
          {t(w.opensAt ? 'watches.opensAt' : 'watches.startsAt', {
            when: shortDateTime(w.startAt, 'Asia/Seoul', lang),
          })}
        </div>
      )}
      <div className="muted small" data-testid="rail-watch-progress">
        {w.pollEveryMs !== null && (
          <span data-testid="rail-watch-every">{`${pollEvery(w.pollEveryMs, t)} · `}</span>
        )}
        {t('watches.attempts', { n: w.attempts })}
        {w.lastPollAt &&
          ` · ${t('watches.lastPoll', { when: shortDateTime(w.lastPollAt, 'Asia/Seoul', lang) })}`}
        {w.lastResult && ` · ${lastResult(w, t, lang)}`}
      </div>
      {live(w) && w.shortage.length > 0 && (
        <div className="alert alert-info" data-testid="rail-watch-shortage" style={SHORTAGE_STYLE}>
          {w.shortage.map((x) => (
            <strong key={x.trainNo} style={{ display: 'block' }}>
              {shortageText(x, t)}
            </strong>
          ))}
          <span style={{ display: 'block' }}>{t('watches.shortWhy')}</span>
        </div>
      )}
      {w.failReason && w.status !== 'reserved' && (
        <div className="field-error">{railMessage(w.failReason, lang)}</div>
      )}
      {w.reservation && <WatchReservation r={w.reservation} policy={w.seatPolicy} />}
      {editing && live(w) && <EditWatch key={w.id} w={w} onCancel={onEditCancel} onDone={onEditDone} />}
    </article>
  );
}
