import { type FormEvent, useEffect, useState } from 'react';
import type { SettlementReport } from '../../../../../src/modules/consult/settlement.ts';
import { download, get } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { ErrorBox, Field, fieldErrors, Loading, TableWrap, useAction } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { PointsAdminNav } from './AdminItems.tsx';
import { pts } from './Shop.tsx';

/** Today and the first of this month, in Korea (YYYY-MM-DD). */
function thisMonth() {
  const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** `/consult/admin/settlement`: points each linked counselor earned in a period, on screen or as CSV. */
export function AdminSettlementPage() {
  const { t } = useI18n();
  const [period, setPeriod] = useState(thisMonth);
  const [report, setReport] = useState<SettlementReport>();
  const action = useAction();
  const errs = fieldErrors(action.error);
  const query = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  const show = (e?: FormEvent) => {
    e?.preventDefault();
    void action.run(async () =>
      setReport(await get<SettlementReport>(`/api/consult/admin/settlement?${query}`)),
    );
  };
  // The month so far, shown at once.
  useEffect(() => show(), []);
  const csv = () =>
    void action.run(() =>
      download(
        `/api/consult/admin/settlement?${query}&format=csv`,
        `settlement-${period.from}-${period.to}.csv`,
      ),
    );
  return (
    <ConsultLayout title={t('consult.points.admin.settlement')}>
      <div className="points-page points-admin" data-testid="admin-settlement">
        <PointsAdminNav />
        <p className="muted small">{t('consult.points.admin.settlementIntro')}</p>
        <form className="card form points-filters" onSubmit={show} noValidate>
          <Field label={t('consult.points.admin.from')} error={errs['querystring.from']}>
            <input
              type="date"
              value={period.from}
              onChange={(e) => setPeriod({ ...period, from: e.target.value })}
              data-testid="settlement-from"
            />
          </Field>
          <Field label={t('consult.points.admin.to')} error={errs['querystring.to']}>
            <input
              type="date"
              value={period.to}
              onChange={(e) => setPeriod({ ...period, to: e.target.value })}
              data-testid="settlement-to"
            />
          </Field>
          <div className="form-actions points-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={action.busy}
              data-testid="settlement-show"
            >
              {t('consult.points.admin.show')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={action.busy}
              onClick={csv}
              data-testid="settlement-csv"
            >
              {t('consult.points.admin.csv')}
            </button>
          </div>
        </form>
        {Object.keys(errs).length === 0 && <ErrorBox error={action.error} />}
        {action.busy && !report && <Loading />}
        {report && report.rows.length === 0 && (
          <p className="empty">{t('consult.points.admin.noCounselors')}</p>
        )}
        {report && report.rows.length > 0 && (
          <TableWrap>
            <table className="table" data-testid="settlement-table">
              <thead>
                <tr>
                  <th>{t('consult.points.admin.code')}</th>
                  <th>{t('consult.points.admin.counselor')}</th>
                  <th>{t('consult.points.admin.earned')}</th>
                  <th>{t('consult.points.admin.transfers')}</th>
                  <th>{t('consult.points.admin.accumulated')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.map((r) => (
                  <tr key={r.counselorId}>
                    <td>{r.code}</td>
                    <td>
                      <div>{r.name}</div>
                      <div className="muted small">{r.email}</div>
                    </td>
                    <td>{pts(r.earned)}P</td>
                    <td>{r.transfers}</td>
                    <td>{pts(r.accumulated)}P</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">{t('consult.points.admin.total', { n: pts(report.total) })}</p>
          </TableWrap>
        )}
      </div>
    </ConsultLayout>
  );
}
