import { lazy, Suspense, useState } from 'react';
import { download, type EventView, get, type Reservation, type Sales } from '../../api.ts';
import { shortDateTime, won } from '../../format.ts';
import { type Key, useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { Badge, ErrorBox, Loading, PageTitle, TableWrap, useLoad } from '../../ui.tsx';

// Chart.js comes only with this page: the charts are their own chunk, fetched when the page shows.
const SalesCharts = lazy(() => import('./SalesCharts.tsx'));

export function SalesPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [downloadError, setDownloadError] = useState<unknown>();
  const { data, error, loading, reload } = useLoad(async () => {
    const [event, sales, list] = await Promise.all([
      get<{ event: EventView }>(`/api/events/${id}`),
      get<Sales>(`/api/organizer/events/${id}/sales`),
      get<{ reservations: Reservation[] }>(`/api/organizer/events/${id}/reservations`),
    ]);
    return { event: event.event, sales, reservations: list.reservations };
  }, [id]);

  if (loading) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const { event, sales, reservations } = data;
  const tz = sales.timezone;
  const when = (iso: string) => shortDateTime(iso, tz, lang);
  const sum = (k: 'quota' | 'sold' | 'held' | 'checkedIn' | 'revenue' | 'waiting') =>
    sales.ticketTypes.reduce((a, x) => a + x[k], 0);
  const get2 = async (path: string, name: string) => {
    setDownloadError(undefined);
    try {
      await download(path, name);
    } catch (err) {
      setDownloadError(err);
    }
  };

  return (
    <section className="sales-page">
      <div className="page-head row">
        <div>
          <PageTitle>
            {t('sales.title')} · {event.title}
          </PageTitle>
          <div className="muted small">
            {event.code} · {tz}
          </div>
        </div>
        <div className="actions">
          <button
            type="button"
            className="btn"
            onClick={() => get2(`/api/organizer/events/${id}/sales.csv`, `${event.code}-sales.csv`)}
          >
            ⬇ {t('sales.csvSales')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() =>
              get2(`/api/organizer/events/${id}/reservations.csv`, `${event.code}-reservations.csv`)
            }
          >
            ⬇ {t('sales.csvReservations')}
          </button>
          <Link className="btn btn-primary" to={`/organizer/events/${id}/checkin`}>
            {t('org.checkin')}
          </Link>
          <button type="button" className="btn btn-ghost" onClick={reload}>
            ↻ {t('common.refresh')}
          </button>
        </div>
      </div>
      <ErrorBox error={downloadError} />

      <div className="stats">
        <div className="stat">
          <div className="stat-value">
            {sum('sold')} / {sum('quota')}
          </div>
          <div className="stat-label">{t('sales.sold')}</div>
        </div>
        <div className="stat">
          <div className="stat-value">{won(sum('revenue'), lang)}</div>
          <div className="stat-label">{t('sales.revenue')}</div>
        </div>
        <div className="stat">
          <div className="stat-value" data-testid="checked-in-total">
            {sum('checkedIn')}
          </div>
          <div className="stat-label">{t('sales.checkedIn')}</div>
        </div>
        <div className="stat">
          <div className="stat-value">{sum('waiting')}</div>
          <div className="stat-label">{t('sales.waiting')}</div>
        </div>
      </div>

      <Suspense fallback={<p className="muted">{t('sales.chartLoading')}</p>}>
        <SalesCharts sales={sales} />
      </Suspense>

      <h2>{t('sales.totals')}</h2>
      <TableWrap>
        <table className="table" data-testid="totals">
          <thead>
            <tr>
              <th>{t('sales.showtime')}</th>
              <th>{t('sales.ticketType')}</th>
              <th className="num">{t('sales.price')}</th>
              <th className="num">{t('sales.quota')}</th>
              <th className="num">{t('sales.sold')}</th>
              <th className="num">{t('sales.held')}</th>
              <th className="num">{t('sales.checkedIn')}</th>
              <th className="num">{t('sales.waiting')}</th>
              <th className="num">{t('sales.revenue')}</th>
            </tr>
          </thead>
          <tbody>
            {sales.ticketTypes.map((x) => (
              <tr key={x.ticketTypeId}>
                <td>{when(x.startsAt)}</td>
                <td>{x.name}</td>
                <td className="num">{won(x.price, lang)}</td>
                <td className="num">{x.quota}</td>
                <td className="num">{x.sold}</td>
                <td className="num">{x.held}</td>
                <td className="num">{x.checkedIn}</td>
                <td className="num">{x.waiting}</td>
                <td className="num">{won(x.revenue, lang)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={3}>{t('common.total')}</th>
              <th className="num">{sum('quota')}</th>
              <th className="num">{sum('sold')}</th>
              <th className="num">{sum('held')}</th>
              <th className="num">{sum('checkedIn')}</th>
              <th className="num">{sum('waiting')}</th>
              <th className="num">{won(sum('revenue'), lang)}</th>
            </tr>
          </tfoot>
        </table>
      </TableWrap>

      <h2>{t('sales.byDay')}</h2>
      {sales.days.length === 0 ? (
        <p className="empty">{t('sales.noSales')}</p>
      ) : (
        <TableWrap>
          <table className="table" data-testid="by-day">
            <thead>
              <tr>
                <th>{t('sales.day')}</th>
                <th>{t('sales.showtime')}</th>
                <th>{t('sales.ticketType')}</th>
                <th className="num">{t('sales.tickets')}</th>
                <th className="num">{t('sales.revenue')}</th>
                <th className="num">{t('sales.cancelled')}</th>
              </tr>
            </thead>
            <tbody>
              {sales.days.map((d) => (
                <tr key={`${d.day}-${d.ticketTypeId}`}>
                  <td>{d.day}</td>
                  <td>{when(d.startsAt)}</td>
                  <td>{d.ticketTypeName}</td>
                  <td className="num">{d.tickets}</td>
                  <td className="num">{won(d.revenue, lang)}</td>
                  <td className="num">{d.cancelled || ''}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={3}>{t('common.total')}</th>
                <th className="num">{sales.days.reduce((a, d) => a + d.tickets, 0)}</th>
                <th className="num">
                  {won(
                    sales.days.reduce((a, d) => a + d.revenue, 0),
                    lang,
                  )}
                </th>
                <th className="num">{sales.days.reduce((a, d) => a + d.cancelled, 0) || ''}</th>
              </tr>
            </tfoot>
          </table>
        </TableWrap>
      )}

      <h2>{t('sales.reservations')}</h2>
      {reservations.length === 0 ? (
        <p className="empty">{t('sales.noSales')}</p>
      ) : (
        <TableWrap>
          <table className="table">
            <thead>
              <tr>
                <th>{t('sales.no')}</th>
                <th>{t('sales.email')}</th>
                <th>{t('sales.showtime')}</th>
                <th>{t('sales.ticketType')}</th>
                <th className="num">{t('sales.tickets')}</th>
                <th className="num">{t('sales.revenue')}</th>
                <th>{t('sales.status')}</th>
              </tr>
            </thead>
            <tbody>
              {reservations.map((r) => {
                const status = r.deleted ? 'cancelled' : r.checkedInAt ? 'checkedIn' : 'confirmed';
                return (
                  <tr key={r.id} className={r.deleted ? 'row-muted' : ''}>
                    <td>{r.id}</td>
                    <td>{r.email}</td>
                    <td>{when(r.startsAt)}</td>
                    <td>{r.ticketTypeName}</td>
                    <td className="num">{r.quantity}</td>
                    <td className="num">{won(r.totalPrice, lang)}</td>
                    <td>
                      <Badge
                        tone={status === 'cancelled' ? 'red' : status === 'checkedIn' ? 'blue' : 'green'}
                      >
                        {t(`my.status.${status}` as Key)}
                      </Badge>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
