import type { EventView } from '../../api.ts';
import { get } from '../../api.ts';
import { dateTime, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Badge, ErrorBox, Loading, PageTitle, useLoad } from '../../ui.tsx';

export function upcoming(e: EventView) {
  return e.showtimes.filter((s) => !s.past);
}

export function availability(e: EventView) {
  const types = upcoming(e).flatMap((s) => s.ticketTypes);
  const quota = types.reduce((a, t) => a + t.quota, 0);
  const available = types.reduce((a, t) => a + t.available, 0);
  return { types, quota, available, soldOut: types.length > 0 && available === 0 };
}

export function Poster({
  event,
  className,
}: {
  event: Pick<EventView, 'posterUrl' | 'title'>;
  className?: string;
}) {
  const initial = [...event.title.replace(/[^\p{L}\p{N}]/gu, '')][0] ?? '♪';
  return (
    <div className={`poster ${className ?? ''}`}>
      {event.posterUrl ? (
        <img
          src={event.posterUrl}
          alt={event.title}
          loading="lazy"
          onError={(e) => {
            e.currentTarget.style.display = 'none';
          }}
        />
      ) : null}
      <span className="poster-fallback" aria-hidden="true">
        {initial}
      </span>
    </div>
  );
}

export function EventsPage() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad(() => get<{ events: EventView[] }>('/api/events'), []);
  return (
    <section>
      <div className="page-head">
        <PageTitle k="events.title" />
        <p className="muted">{t('events.subtitle')}</p>
      </div>
      {loading && <Loading />}
      <ErrorBox error={error} onRetry={reload} />
      {data && data.events.length === 0 && <p className="empty">{t('events.empty')}</p>}
      <div className="event-grid">
        {data?.events.map((e) => {
          const next = upcoming(e)[0];
          const a = availability(e);
          const min = a.types.length ? Math.min(...a.types.map((x) => x.price)) : undefined;
          return (
            <Link
              key={e.id}
              to={`/events/${encodeURIComponent(e.code)}`}
              className="event-card"
              data-testid="event-card"
            >
              <div className="event-card-poster">
                <Poster event={e} />
                {a.soldOut && <span className="ribbon ribbon-red">{t('events.soldOut')}</span>}
                {!a.soldOut && a.quota > 0 && a.available <= Math.max(2, a.quota * 0.1) && (
                  <span className="ribbon ribbon-amber">{t('events.fewLeft')}</span>
                )}
              </div>
              <div className="event-card-body">
                <h2 className="event-card-title">{e.title}</h2>
                {e.venue && <div className="muted">{e.venue}</div>}
                <div className="event-card-meta">
                  {next ? (
                    <span>
                      <span className="label">{t('events.next')}</span>{' '}
                      {dateTime(next.startsAt, e.timezone, lang)}
                    </span>
                  ) : (
                    <span className="muted">{t('events.noShowtimes')}</span>
                  )}
                </div>
                <div className="event-card-foot">
                  {min !== undefined && (
                    <span className="price">{t('events.fromPrice', { price: won(min, lang) })}</span>
                  )}
                  {a.soldOut ? (
                    <Badge tone="red">{t('events.soldOut')}</Badge>
                  ) : (
                    upcoming(e).length > 1 && (
                      <Badge tone="blue">{t('events.showtimes', { n: upcoming(e).length })}</Badge>
                    )
                  )}
                </div>
              </div>
            </Link>
          );
        })}
      </div>
    </section>
  );
}
