import { useState } from 'react';
import { del, get } from '../../api.ts';
import { countdown, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { usePoll } from '../../poll.ts';
import { Badge, ErrorBox, Loading, useConfirm, useLoad, useNow } from '../../ui.tsx';
import { hhmm, type RailReservation, ymd } from './api.ts';
import { useRailT } from './i18n.ts';
import { RailLayout } from './Layout.tsx';
import { RailCancelledNote, trainName } from './Outcome.tsx';
import { SeatClass, SeatNotes } from './WatchCard.tsx';

const TONE = {
  held: 'amber',
  cancelled: 'red',
  paid: 'green',
  expired: 'gray',
  standby: 'blue',
  standbyEnded: 'gray',
} as const;

/**
 * What the card says. A standby request (예약대기) has no seat and no deadline yet; one the operator
 * dropped is 'expired' on the server, which for a request means it ended without a seat.
 */
function shownStatus(r: RailReservation, now: number): keyof typeof TONE {
  if (r.standby) return r.status === 'held' ? 'standby' : r.status === 'expired' ? 'standbyEnded' : r.status;
  if (r.status === 'held' && r.paymentDeadline && Date.parse(r.paymentDeadline) <= now) return 'expired';
  return r.status;
}

export function RailReservationsPage() {
  const t = useRailT();
  const { lang } = useI18n();
  const now = useNow(1000);
  const { data, error, loading, reload, setData } = useLoad(
    () => get<{ reservations: RailReservation[] }>('/api/rail/reservations'),
    [],
  );
  const [actionError, setActionError] = useState<unknown>();
  const [cancelled, setCancelled] = useState<RailReservation>();
  const confirm = useConfirm();
  // An open standby request turns into a seat (with a short deadline) when the operator grants one:
  // look again every few seconds so the countdown shows without a reload.
  const waiting = data?.reservations.some((r) => r.standby && r.status === 'held') ?? false;
  usePoll<{ reservations: RailReservation[] }>(waiting ? '/api/rail/reservations' : null, {
    intervalMs: 3000,
    onData: setData,
    immediate: false,
  });
  const cancel = async (r: RailReservation) => {
    if (!(await confirm.ask(t(r.standby ? 'res.standbyCancelAsk' : 'res.cancelAsk')))) return;
    setCancelled(undefined);
    try {
      await del(`/api/rail/reservations/${r.id}`);
      setCancelled(r);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return (
    <RailLayout title="res.title">
      {confirm.element}
      <ErrorBox error={error ?? actionError} onRetry={reload} />
      {cancelled && <RailCancelledNote r={cancelled} />}
      {loading && !data ? (
        <Loading />
      ) : data?.reservations.length === 0 ? (
        <p className="empty card">{t('res.empty')}</p>
      ) : (
        <div className="tickets">
          {data?.reservations.map((r) => {
            const left = r.paymentDeadline ? new Date(r.paymentDeadline).getTime() - now : 0;
            const status = shownStatus(r, now);
            return (
              <article
                key={r.id}
                className="card"
                data-testid="rail-reservation"
                data-reservation={r.id}
                data-status={status}
              >
                <div className="row">
                  <div>
                    <Badge tone={TONE[status]}>{t(`res.status.${status}`)}</Badge>{' '}
                    <span className="muted small">{t('res.pnr', { pnr: r.pnr })}</span>
                    <h3 style={{ margin: '6px 0' }}>
                      {trainName(r.provider, r.trainType, r.trainNo)} · {r.from} → {r.to}
                    </h3>
                    <div>
                      {ymd(r.date)} {hhmm(r.departure)}–{hhmm(r.arrival)}
                    </div>
                    <div>
                      {r.seats.map((s) => `${s.car}-${s.seat}`).join(', ') ||
                        (r.standby ? t('res.seatsPending', { n: r.seatCount }) : `${r.seatCount}`)}{' '}
                      · <strong>{won(r.totalPrice, lang)}</strong>
                      {!r.standby && (
                        <>
                          {' '}
                          · <SeatClass r={r} />
                          {r.together === true && <span className="muted small"> · {t('res.together')}</span>}
                        </>
                      )}
                    </div>
                    <SeatNotes r={r} policy={r.seatPolicy ?? undefined} />
                    {(status === 'standby' || status === 'standbyEnded') && (
                      <div className="muted small" data-testid="rail-standby-note" style={{ marginTop: 4 }}>
                        {t(status === 'standby' ? 'res.standbyNote' : 'res.standbyEndedNote')}
                      </div>
                    )}
                  </div>
                  {status === 'held' && r.paymentDeadline && (
                    <div
                      className={`countdown${left < 3 * 60_000 ? ' urgent' : ''}`}
                      data-testid="rail-countdown"
                    >
                      <span className="countdown-label">{t('res.left')}</span>
                      <span className="countdown-value">{countdown(left)}</span>
                      <span className="muted small">
                        {t('res.payBy')}{' '}
                        {new Date(r.paymentDeadline).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', {
                          timeZone: 'Asia/Seoul',
                          hour: '2-digit',
                          minute: '2-digit',
                        })}
                      </span>
                    </div>
                  )}
                </div>
                {(status === 'held' || status === 'standby') && (
                  <div className="actions" style={{ marginTop: 8 }}>
                    {status === 'held' && <span className="muted small">{t('res.payHint')}</span>}
                    <button
                      type="button"
                      className="btn btn-small btn-danger-ghost"
                      onClick={() => cancel(r)}
                    >
                      {t(status === 'standby' ? 'res.standbyCancel' : 'res.cancel')}
                    </button>
                  </div>
                )}
              </article>
            );
          })}
        </div>
      )}
    </RailLayout>
  );
}
