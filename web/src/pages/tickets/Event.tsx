import { useState } from 'react';
import { type EventView, get, type Hold, post, type Showtime, type TicketType } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { dateTime, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import { Badge, ErrorBox, Loading, PageTitle, useAction, useLoad } from '../../ui.tsx';
import { Poster } from './Events.tsx';

function TicketRow({
  event,
  showtime,
  type,
  onChanged,
}: {
  event: EventView;
  showtime: Showtime;
  type: TicketType;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const [quantity, setQuantity] = useState(1);
  const { busy, error, run } = useAction();
  const [joined, setJoined] = useState(false);
  const soldOut = type.available <= 0;
  const max = soldOut ? 20 : Math.min(20, type.available);

  const act = async () => {
    if (!user) {
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    await run(
      async () => {
        if (soldOut) {
          await post('/api/waitlist', { ticketTypeId: type.id, quantity });
          setJoined(true);
          onChanged();
        } else {
          const d = await post<{ hold: Hold }>('/api/holds', { ticketTypeId: type.id, quantity });
          navigate(`/holds/${d.hold.id}?event=${encodeURIComponent(event.code)}`);
        }
      },
      () => onChanged(),
    );
  };

  return (
    <div className={`ticket-row${soldOut ? ' is-soldout' : ''}`} data-testid="ticket-row">
      <div className="ticket-row-info">
        <div className="ticket-name">{type.name}</div>
        <div className="ticket-price">{won(type.price, lang)}</div>
      </div>
      <div className="ticket-row-state">
        {soldOut ? (
          <Badge tone="red">{t('event.soldOut')}</Badge>
        ) : (
          <Badge tone={type.available <= Math.max(2, type.quota * 0.1) ? 'amber' : 'green'}>
            {t('event.available', { n: type.available })}
          </Badge>
        )}
        {type.waiting > 0 && <Badge tone="gray">{t('event.waiting', { n: type.waiting })}</Badge>}
      </div>
      {showtime.past ? (
        <div className="muted">{t('event.pastShowtime')}</div>
      ) : joined ? (
        <div className="ticket-row-done">
          {t('event.joined')} <Link to="/my/tickets">{t('event.myWaitlist')}</Link>
        </div>
      ) : (
        <div className="ticket-row-actions">
          <label className="qty">
            <span>{t('event.quantity')}</span>
            <select
              value={quantity}
              onChange={(e) => setQuantity(Number(e.target.value))}
              aria-label={t('event.quantity')}
            >
              {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className={soldOut ? 'btn btn-secondary' : 'btn btn-primary'}
            disabled={busy}
            onClick={act}
          >
            {busy ? t('event.holding') : soldOut ? t('event.joinWaitlist') : t('event.hold')}
          </button>
        </div>
      )}
      {error !== undefined && (
        <div className="ticket-row-error">
          <ErrorBox error={error} />
        </div>
      )}
    </div>
  );
}

export function EventPage({ idOrCode }: { idOrCode: string }) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const { data, error, loading, reload } = useLoad(
    () => get<{ event: EventView }>(`/api/events/${encodeURIComponent(idOrCode)}`),
    [idOrCode],
  );
  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const e = data.event;
  const showtimes = e.showtimes.filter((s) => !s.past);
  return (
    <article className="event-page">
      <div className="event-hero">
        <Poster event={e} className="poster-large" />
        <div className="event-hero-info">
          <PageTitle>{e.title}</PageTitle>
          {e.venue && (
            <p className="venue">
              <span className="label">{t('event.venue')}</span> {e.venue}
            </p>
          )}
          {e.description && <p className="description">{e.description}</p>}
          <p className="muted small">{t('event.timezone', { tz: e.timezone })}</p>
          {!user && (
            <Link className="btn btn-primary" to={`/login?next=${encodeURIComponent(location.pathname)}`}>
              {t('event.loginToBuy')}
            </Link>
          )}
        </div>
      </div>
      <h2>{t('event.showtimes')}</h2>
      {showtimes.length === 0 && <p className="empty">{t('events.noShowtimes')}</p>}
      <div className="showtimes">
        {showtimes.map((s) => (
          <section key={s.id} className="card showtime" data-testid="showtime">
            <h3 className="showtime-when">{dateTime(s.startsAt, e.timezone, lang)}</h3>
            {s.ticketTypes.map((tt) => (
              <TicketRow key={tt.id} event={e} showtime={s} type={tt} onChanged={reload} />
            ))}
          </section>
        ))}
      </div>
    </article>
  );
}
