import { useState } from 'react';
import { download, get, post } from '../../api.ts';
import { Link } from '../../router.tsx';
import { Badge, ErrorBox, Loading, TableWrap, useLoad } from '../../ui.tsx';
import { BigQueryCard } from './BigQueryCard.tsx';
import { type RegKey, useRegI18n, when } from './i18n.ts';
import { SettingsForm } from './SettingsForm.tsx';
import type { Attendee, RegEventDetail, SalesTable } from './types.ts';

const tone = (status: string) =>
  status === 'done' ? 'green' : status === 'failed' ? 'red' : status === 'skipped' ? 'gray' : 'amber';

/** One registration: sync state, sales and exports, attendees with their actions, settings. */
export function EventPage({ id }: { id: string }) {
  const { t, lang } = useRegI18n();
  const [actionError, setActionError] = useState<unknown>();
  const [testing, setTesting] = useState(false);
  const { data, error, loading, reload } = useLoad(async () => {
    const [ev, list, sales] = await Promise.all([
      get<{ event: RegEventDetail }>(`/api/registration/events/${id}`),
      get<{ attendees: Attendee[]; total: number }>(`/api/registration/events/${id}/attendees?limit=200`),
      get<{ sales: SalesTable }>(`/api/registration/events/${id}/sales`),
    ]);
    return { event: ev.event, attendees: list.attendees, total: list.total, sales: sales.sales };
  }, [id]);
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const { event, attendees, sales } = data;
  const run = async (fn: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await fn();
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const dl = (q: string, name: string) =>
    run(() => download(`/api/registration/events/${id}/export?${q}`, `${event.slug}-${name}`));

  return (
    <section className="registration-page">
      <div className="page-head row">
        <div>
          <Link to="/registration" className="small">
            ← {t('back')}
          </Link>
          <h1>
            {event.name} <code className="small">{event.slug}</code>
          </h1>
          <div className="muted small">{t(`source.${event.source}` as RegKey)}</div>
        </div>
      </div>
      {actionError ? <ErrorBox error={actionError} /> : null}

      <div className="card" data-testid="reg-sync">
        <div className="row">
          <h2>{t('sync')}</h2>
          {event.source === 'kktix' && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => run(() => post(`/api/registration/events/${id}/sync`))}
            >
              ↻ {t('syncNow')}
            </button>
          )}
        </div>
        <div className="stats">
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.lastSyncAt, lang) ?? t('never')}
            </div>
            <div className="stat-label">{t('lastSync')}</div>
          </div>
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.lastOkAt, lang) ?? t('never')}
            </div>
            <div className="stat-label">{t('lastOk')}</div>
          </div>
          <div className="stat">
            <div className="stat-value" style={{ fontSize: 15 }}>
              {when(event.sync.nextSyncAt, lang) ?? '—'}
            </div>
            <div className="stat-label">{t('nextSync')}</div>
          </div>
          <div className="stat">
            <div className="stat-value">{data.total}</div>
            <div className="stat-label">{t('attendee')}</div>
          </div>
        </div>
        {event.source === 'kktix' && event.settings.kktixCheck && (
          <div
            className={`alert ${event.settings.kktixCheck.state === 'ok' ? 'alert-success' : 'alert-error'} row`}
            role="status"
            data-testid="reg-check"
          >
            <span>
              {event.settings.kktixCheck.state === 'ok'
                ? t('check.ok', { at: when(event.settings.kktixCheck.at, lang) ?? '' })
                : t('check.untested', { message: event.settings.kktixCheck.message ?? '' })}
            </span>
            <button
              type="button"
              className="btn btn-small"
              disabled={testing}
              onClick={async () => {
                setTesting(true);
                await run(() => post(`/api/registration/events/${id}/test`));
                setTesting(false);
              }}
            >
              {testing ? t('testing') : t('testNow')}
            </button>
          </div>
        )}
        {event.sync.lastError && (
          <div className="alert alert-error" role="alert">
            {t('lastError')}: {event.sync.lastError}
          </div>
        )}
        {event.webhookPath && (
          <p className="small">
            {t('webhook')}: <code>{location.origin + event.webhookPath}</code>
            <br />
            <span className="muted">{t('webhookHint')}</span>
          </p>
        )}
        {event.runs && event.runs.length > 0 && (
          <TableWrap>
            <table className="table small">
              <thead>
                <tr>
                  <th>{t('lastSync')}</th>
                  <th>{t('trigger')}</th>
                  <th className="num">{t('total')}</th>
                  <th className="num">{t('added')}</th>
                  <th className="num">{t('changed')}</th>
                  <th className="num">{t('refunded')}</th>
                  <th className="num">{t('requests')}</th>
                  <th>{t('lastError')}</th>
                </tr>
              </thead>
              <tbody>
                {event.runs.slice(0, 5).map((r) => (
                  <tr key={r.id}>
                    <td>{when(r.finishedAt, lang)}</td>
                    <td>{r.trigger}</td>
                    <td className="num">{r.total}</td>
                    <td className="num">{r.added}</td>
                    <td className="num">{r.changed}</td>
                    <td className="num">{r.refunded}</td>
                    <td className="num">{r.requests}</td>
                    <td>{r.ok ? <Badge tone="green">ok</Badge> : <Badge tone="red">{r.error}</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </div>

      <div className="card" data-testid="reg-sales">
        <h2>{t('sales')}</h2>
        {event.status && event.status.length > 0 && (
          <p className="small">
            {event.status.map((s) => (
              <span key={s.ticketName} style={{ marginRight: 6 }}>
                <Badge tone="blue">
                  {s.ticketName}: {s.sold} / {s.total === 'unlimited' ? t('unlimited') : s.total}
                </Badge>
              </span>
            ))}
          </p>
        )}
        {sales.rows.length === 0 ? (
          <p className="empty">{t('noSales')}</p>
        ) : (
          <TableWrap>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('ticket')}</th>
                  {sales.days.map((d) => (
                    <th key={d} className="num">
                      {d.slice(5)}
                    </th>
                  ))}
                  <th className="num">{t('total')}</th>
                </tr>
              </thead>
              <tbody>
                {sales.rows.map((r) => (
                  <tr key={r.ticketName}>
                    <td>{r.ticketName}</td>
                    {r.perDay.map((n, i) => (
                      <td key={sales.days[i]} className="num">
                        {n}
                      </td>
                    ))}
                    <td className="num">
                      <b>{r.total}</b>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <div className="actions">
          <span className="muted small">{t('export')}:</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=csv', 'deidentified.csv')}
          >
            ⬇ {t('csv')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=ndjson', 'deidentified.ndjson')}
          >
            ⬇ {t('ndjson')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dl('format=csv&kind=raw', 'raw.csv')}
          >
            ⬇ {t('rawCsv')}
          </button>
        </div>
      </div>

      <BigQueryCard eventId={id} target={event.settings.bigquery} />

      <div className="card" data-testid="reg-attendees">
        <h2>{t('attendees')}</h2>
        <TableWrap>
          <table className="table small">
            <thead>
              <tr>
                <th>{t('attendee')}</th>
                <th>{t('email')}</th>
                <th>{t('ticket')}</th>
                <th>{t('paidAt')}</th>
                <th>{t('state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {attendees.map((a) => {
                const failed = a.actions.some((x) => x.status === 'failed' || x.status === 'pending');
                return (
                  <tr key={a.id} data-testid="reg-attendee">
                    <td>
                      {a.name ?? '—'}
                      {a.quantity > 1 ? ` ×${a.quantity}` : ''}{' '}
                      {a.admission !== null && (
                        <span className="muted small" title={t('admission')}>
                          #{a.admission}
                        </span>
                      )}{' '}
                      {!a.active && <Badge tone="gray">{t('refundedState')}</Badge>}
                    </td>
                    <td>{a.email}</td>
                    <td>{a.ticketName}</td>
                    <td>{when(a.paidAt, lang)}</td>
                    <td style={{ whiteSpace: 'normal', maxWidth: 360 }}>
                      {a.actions.map((x) => (
                        <span
                          key={`${x.admission}-${x.action}`}
                          title={x.lastError ?? ''}
                          style={{ display: 'inline-block', margin: '1px 0' }}
                        >
                          <Badge tone={x.admission === a.admission ? tone(x.status) : 'gray'}>
                            {x.admission !== a.admission ? `#${x.admission} ` : ''}
                            {t(`action.${x.action}` as RegKey)} {t(`actionStatus.${x.status}` as RegKey)}
                            {x.attempts > 1 ? ` ×${x.attempts}` : ''}
                          </Badge>{' '}
                        </span>
                      ))}
                      {a.actions
                        .filter((x) => x.lastError && x.status === 'failed')
                        .map((x) => (
                          <div
                            key={`${x.admission}-${x.action}`}
                            className="field-error"
                            style={{ overflowWrap: 'anywhere' }}
                          >
                            {x.lastError}
                          </div>
                        ))}
                    </td>
                    <td>
                      {failed && (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() =>
                            run(() =>
                              post(
                                `/api/registration/events/${id}/attendees/${encodeURIComponent(a.id)}/retry`,
                              ),
                            )
                          }
                        >
                          {t('retry')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      </div>

      <h2>{t('settings')}</h2>
      <SettingsForm key={event.id} event={event} onSaved={() => reload()} />
    </section>
  );
}
