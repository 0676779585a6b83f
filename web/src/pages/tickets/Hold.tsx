import { useEffect, useState } from 'react';
import { del, type EventView, get, type Hold, post, type Reservation } from '../../api.ts';
import { countdown, dateTime, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, useLocation } from '../../router.tsx';
import { ErrorBox, Loading, PageTitle, useAction, useConfirm, useLoad, useNow } from '../../ui.tsx';
import { Poster } from './Events.tsx';

type Found = { event: EventView; startsAt: string; name: string; price: number };

/** The event, showtime and ticket type of a hold: from the event named in ?event=, else by searching. */
async function findTicketType(ticketTypeId: string, eventHint: string | null): Promise<Found | undefined> {
  const candidates: EventView[] = [];
  if (eventHint) {
    try {
      candidates.push(
        (await get<{ event: EventView }>(`/api/events/${encodeURIComponent(eventHint)}`)).event,
      );
    } catch {
      // fall back to the list
    }
  }
  const search = (list: EventView[]) => {
    for (const event of list)
      for (const s of event.showtimes)
        for (const tt of s.ticketTypes)
          if (tt.id === ticketTypeId) return { event, startsAt: s.startsAt, name: tt.name, price: tt.price };
    return undefined;
  };
  return search(candidates) ?? search((await get<{ events: EventView[] }>('/api/events')).events);
}

export function HoldPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const now = useNow(250);
  const confirmDialog = useConfirm();
  const { busy, error: actionError, run } = useAction();
  const [reservation, setReservation] = useState<Reservation>();
  const { data, error, loading, reload, setData } = useLoad(async () => {
    const { hold } = await get<{ hold: Hold }>(`/api/holds/${encodeURIComponent(id)}`);
    const found = await findTicketType(hold.ticketTypeId, search.get('event')).catch(() => undefined);
    return { hold, found };
  }, [id]);

  const hold = data?.hold;
  const left = hold ? new Date(hold.expiresAt).getTime() - now : 0;
  const running = hold?.status === 'held' && left > 0;

  // When the clock runs out, ask the server what became of the hold.
  const runOut = hold?.status === 'held' && left <= 0;
  useEffect(() => {
    if (runOut) {
      const timer = setTimeout(() => void reload(), 800);
      return () => clearTimeout(timer);
    }
  }, [runOut, reload]);

  if (loading) return <Loading />;
  if (!data || !hold) return <ErrorBox error={error} onRetry={reload} />;
  const { found } = data;

  const confirm = () =>
    run(
      async () => {
        const d = await post<{ reservation: Reservation }>(`/api/holds/${hold.id}/confirm`);
        setReservation(d.reservation);
        setData({ ...data, hold: { ...hold, status: 'confirmed', reservationId: d.reservation.id } });
      },
      () => void reload(),
    );

  const release = async () => {
    if (!(await confirmDialog.ask(t('hold.releaseAsk')))) return;
    await run(async () => {
      const d = await del<{ hold: Hold }>(`/api/holds/${hold.id}`);
      setData({ ...data, hold: d.hold });
    });
  };

  const expired = hold.status === 'expired' || (hold.status === 'held' && left <= 0);
  const urgent = running && left < 60_000;

  return (
    <section className="hold-page card narrow">
      {confirmDialog.element}
      {found && (
        <div className="hold-summary">
          <Poster event={found.event} className="poster-thumb" />
          <div>
            <div className="hold-event">{found.event.title}</div>
            <div className="muted">{dateTime(found.startsAt, found.event.timezone, lang)}</div>
            {found.event.venue && <div className="muted">{found.event.venue}</div>}
            <div className="hold-line">
              {found.name} · {t('hold.quantity', { n: hold.quantity })}
            </div>
            <div className="hold-line">
              <span className="label">{t('hold.total')}</span>{' '}
              <strong className="price">{won(found.price * hold.quantity, lang)}</strong>
            </div>
          </div>
        </div>
      )}
      {hold.status === 'confirmed' ? (
        <div className="result result-green" data-testid="hold-confirmed">
          <div className="result-title">{t('hold.confirmed')}</div>
          {hold.reservationId !== null && <div>{t('hold.reservationNo', { id: hold.reservationId })}</div>}
          <div>{t('hold.confirmedMail')}</div>
          {reservation && (
            <div className="muted small">
              {reservation.ticketTypeName} × {reservation.quantity} · {won(reservation.totalPrice, lang)}
            </div>
          )}
          <Link className="btn btn-primary" to="/my/tickets">
            {t('hold.toTickets')}
          </Link>
        </div>
      ) : hold.status === 'released' ? (
        <div className="result result-gray">
          <div className="result-title">{t('hold.released')}</div>
          {found && (
            <Link to={`/events/${encodeURIComponent(found.event.code)}`}>{t('hold.backToEvent')}</Link>
          )}
        </div>
      ) : expired ? (
        <div className="result result-red" data-testid="hold-expired">
          <div className="result-title">{t('hold.expired')}</div>
          {found && (
            <Link to={`/events/${encodeURIComponent(found.event.code)}`}>{t('hold.backToEvent')}</Link>
          )}
        </div>
      ) : (
        <>
          <PageTitle k="hold.title" />
          <div className={`countdown${urgent ? ' urgent' : ''}`}>
            <span className="countdown-label">{t('hold.remaining')}</span>
            <span className="countdown-value" data-testid="countdown" aria-live="off">
              {countdown(left)}
            </span>
          </div>
          <p className="muted">{t('hold.explain')}</p>
          <div className="actions">
            <button type="button" className="btn btn-primary btn-large" disabled={busy} onClick={confirm}>
              {busy ? t('hold.confirming') : t('hold.confirm')}
            </button>
            <button type="button" className="btn btn-ghost" disabled={busy} onClick={release}>
              {t('hold.release')}
            </button>
          </div>
        </>
      )}
      <ErrorBox error={actionError} />
    </section>
  );
}
