import { useState } from 'react';
import { get, post } from '../../api.ts';
import { ErrorBox, TableWrap, useAction, useLoad } from '../../ui.tsx';
import { useRegI18n } from './i18n.ts';
import type { BigQueryLoad, BigQueryTarget, ExportColumns } from './types.ts';

/** The export target and a button that runs the load job, with its result or error in place. */
export function BigQueryCard({ eventId, target }: { eventId: string; target?: BigQueryTarget }) {
  const { t } = useRegI18n();
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<BigQueryLoad>();
  const cols = useLoad(
    () => get<ExportColumns>(`/api/registration/events/${eventId}/bigquery/columns`),
    [eventId, target?.tableId],
  );
  const table = target ? `${target.projectId}.${target.datasetId}.${target.tableId}` : '';
  const load = async () => {
    setResult(undefined);
    await run(async () => {
      const r = await post<{ load: BigQueryLoad }>(`/api/registration/events/${eventId}/export/bigquery`);
      setResult(r.load);
    });
  };
  return (
    <div className="card" data-testid="reg-bigquery">
      <h2>{t('bqSection')}</h2>
      {!target ? (
        <p className="muted">{t('bqNotSet')}</p>
      ) : (
        <>
          <p className="small">
            {t('bqTarget')}: <code>{table}</code>
            {target.location ? ` · ${target.location}` : ''}
            {target.apiEndpoint ? (
              <>
                {' '}
                · {t('bqEndpoint')}: <code>{target.apiEndpoint}</code>
              </>
            ) : null}
          </p>
          <div className="actions">
            <button type="button" className="btn btn-small" disabled={busy} onClick={load}>
              ⇪ {busy ? t('bqLoading') : t('bigquery')}
            </button>
          </div>
          {result && (
            <div className="alert alert-success" role="status" data-testid="reg-bigquery-result">
              {t('loaded', { n: result.outputRows, table, job: result.jobId })}
            </div>
          )}
          {error ? <ErrorBox error={error} /> : null}
          {cols.data && cols.data.columns.length > 0 && (
            <details data-testid="reg-bq-columns">
              <summary className="small">{t('bqColumns')}</summary>
              <TableWrap>
                <table className="table small">
                  <thead>
                    <tr>
                      <th>{t('bqSource')}</th>
                      <th>{t('bqColumn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {cols.data.columns.map((c) => (
                      <tr key={c.source}>
                        <td style={{ overflowWrap: 'anywhere' }}>{c.source}</td>
                        <td style={{ overflowWrap: 'anywhere' }}>
                          <code>{c.column}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </details>
          )}
        </>
      )}
    </div>
  );
}
