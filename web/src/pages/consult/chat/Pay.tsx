import { useState } from 'react';
import { ApiError, get, post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { points, type RequestView, StateBadge, TZ } from './parts.tsx';

type Answer = { request: RequestView; balance: number | null; balanceAfter: number | null };

/** `/consult/counselors/:id/pay/:request`: who, what, the price and the balance after; one tap pays. */
export function Pay({ requestId }: { counselorId: string; requestId: string }) {
  const { t, lang } = useI18n();
  const page = useLoad(() => get<Answer>(`/api/consult/requests/${requestId}`), [requestId]);
  const action = useAction();
  const [paid, setPaid] = useState<RequestView>();
  if (page.loading && !page.data) return <Loading />;
  const d = page.data;
  if (!d)
    return (
      <ConsultLayout title={t('consult.pay.title')}>
        <ErrorBox error={page.error} onRetry={page.reload} />
      </ConsultLayout>
    );
  const r = paid ?? d.request;
  const short = d.balanceAfter !== null && d.balanceAfter < 0;
  const pay = () =>
    action.run(
      async () =>
        setPaid((await post<{ request: RequestView }>(`/api/consult/requests/${r.id}/pay`)).request),
      () => void page.reload(),
    );
  const code = action.error instanceof ApiError ? String(action.error.data?.code ?? '') : '';
  return (
    <ConsultLayout title={t('consult.pay.title')}>
      <section className="card narrow pay-page" data-testid="pay-page">
        <dl className="pay-lines">
          <dt>{t('consult.pay.counselor')}</dt>
          <dd>
            <strong>{r.counselor.name}</strong>
          </dd>
          <dt>{t('consult.pay.item')}</dt>
          <dd>
            {r.title}
            {r.note && <div className="muted small">{r.note}</div>}
            {r.appointmentAt && (
              <div className="muted small">
                {t('consult.req.appointment')}: {shortDateTime(r.appointmentAt, TZ, lang)}
              </div>
            )}
          </dd>
          <dt>{t('consult.req.price')}</dt>
          <dd className="pay-price" data-testid="pay-price">
            {points(r.price, lang)}
          </dd>
          {d.balance !== null && !paid && (
            <>
              <dt>{t('consult.pay.balance')}</dt>
              <dd data-testid="pay-balance">{points(d.balance, lang)}</dd>
              <dt>{t('consult.pay.after')}</dt>
              <dd className={short ? 'field-error' : ''} data-testid="pay-after">
                {points(d.balanceAfter ?? 0, lang)}
              </dd>
            </>
          )}
        </dl>
        <p>
          <StateBadge state={r.state} />
        </p>
        {paid ? (
          <div className="alert alert-success" data-testid="pay-done">
            {t('consult.pay.done')}
          </div>
        ) : r.me !== 'user' || r.state !== 'pending' ? (
          <p className="alert alert-info">
            {t('consult.pay.notPending', { state: t(`consult.req.state.${r.state}` as Key) })}
          </p>
        ) : short ? (
          <>
            <p className="alert alert-warn">{t('consult.pay.short')}</p>
            <Link className="btn btn-primary btn-block" to="/consult/points">
              {t('consult.pay.charge')}
            </Link>
          </>
        ) : (
          <button
            type="button"
            className="btn btn-primary btn-block btn-large"
            disabled={action.busy}
            onClick={pay}
            data-testid="pay-button"
          >
            {t('consult.pay.confirm', { price: points(r.price, lang) })}
          </button>
        )}
        {code === 'ledger.insufficient' ? (
          <p className="alert alert-error">{t('consult.pay.insufficient')}</p>
        ) : code.startsWith('consult.request_') ? (
          <p className="alert alert-error">{t('consult.pay.gone')}</p>
        ) : (
          <ErrorBox error={action.error} />
        )}
        <Link to={`/consult/chats/${r.roomId}`} className="btn btn-ghost btn-block">
          {t('consult.pay.backToChat')}
        </Link>
      </section>
    </ConsultLayout>
  );
}
