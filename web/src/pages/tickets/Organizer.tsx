import { type EventView, get } from '../../api.ts';
import { dateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Badge, ErrorBox, Loading, PageTitle, useLoad } from '../../ui.tsx';
import { Poster } from './Events.tsx';

export function OrganizerEventsPage() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad(
    () => get<{ events: EventView[] }>('/api/organizer/events'),
    [],
  );
  return (
    <section>
      <div className="page-head row">
        <PageTitle k="org.title" />
        <Link className="btn btn-primary" to="/organizer/events/new">
          + {t('org.new')}
        </Link>
      </div>
      {loading && <Loading />}
      <ErrorBox error={error} onRetry={reload} />
      {data && data.events.length === 0 && <p className="empty">{t('org.empty')}</p>}
      <div className="org-list">
        {data?.events.map((e) => {
          const types = e.showtimes.flatMap((s) => s.ticketTypes);
          const sold = types.reduce((a, x) => a + x.sold, 0);
          const quota = types.reduce((a, x) => a + x.quota, 0);
          const next = e.showtimes.find((s) => !s.past);
          return (
            <article key={e.id} className="card org-event" data-testid="org-event">
              <Poster event={e} className="poster-thumb" />
              <div className="org-event-info">
                <h2>
                  <Link to={`/events/${encodeURIComponent(e.code)}`}>{e.title}</Link>
                </h2>
                <div className="muted small">
                  {e.code}
                  {e.venue ? ` · ${e.venue}` : ''}
                </div>
                <div className="small">
                  {next ? (
                    dateTime(next.startsAt, e.timezone, lang)
                  ) : (
                    <Badge tone="gray">{t('events.past')}</Badge>
                  )}
                </div>
                <div className="progress" title={t('org.sold', { sold, quota })}>
                  <div
                    className="progress-bar"
                    style={{ width: `${quota ? Math.round((sold / quota) * 100) : 0}%` }}
                  />
                </div>
                <div className="small muted">{t('org.sold', { sold, quota })}</div>
              </div>
              <div className="org-event-actions">
                <Link className="btn btn-small" to={`/organizer/events/${e.id}/edit`}>
                  {t('org.edit')}
                </Link>
                <Link className="btn btn-small" to={`/organizer/events/${e.id}/sales`}>
                  {t('org.sales')}
                </Link>
                <Link className="btn btn-small btn-primary" to={`/organizer/events/${e.id}/checkin`}>
                  {t('org.checkin')}
                </Link>
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}
