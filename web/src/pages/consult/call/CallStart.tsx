import { useEffect, useState } from 'react';
import type { CallView } from '../../../../../src/modules/consult/calls.ts';
import { ApiError, get, post } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link, navigate } from '../../../router.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { duration, phoneShown, pts } from './parts.tsx';
import './call.css';

type Quote = {
  counselor: { id: string; name: string; code: string; ratePer30s: number; lineStatus: string };
  available: number;
  minimum: number;
  seconds: number;
  phone: string | null;
};

/**
 * `/consult/counselors/:id/call`: the counselor's rate and status, the minimum the balance must cover,
 * the balance and the time it buys, the phone to call from; starting opens the call's own page.
 */
export function CallStartPage({ counselorId }: { counselorId: string }) {
  const { t, lang } = useI18n();
  const quote = useLoad(() => get<Quote>(`/api/consult/counselors/${counselorId}/call`), [counselorId]);
  const [phone, setPhone] = useState('');
  const [openCall, setOpenCall] = useState<string>();
  const start = useAction();
  const q = quote.data;
  useEffect(() => {
    if (q?.phone) setPhone((p) => p || phoneShown(q.phone as string));
  }, [q?.phone]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void start.run(
      async () => {
        const { call } = await post<{ call: CallView }>('/api/consult/calls', { counselorId, phone });
        navigate(`/consult/calls/${call.id}`);
      },
      async (err: unknown) => {
        if (err instanceof ApiError && err.data?.code === 'consult.call_open') {
          const mine = await get<{ calls: CallView[] }>('/api/consult/calls').catch(() => undefined);
          setOpenCall(mine?.calls.find((c) => c.state === 'open' || c.state === 'started')?.id);
        }
        void quote.reload();
      },
    );
  };

  if (quote.loading && !q)
    return (
      <ConsultLayout title={t('consult.call.title')}>
        <Loading />
      </ConsultLayout>
    );
  if (!q)
    return (
      <ConsultLayout title={t('consult.call.title')}>
        <ErrorBox error={quote.error} onRetry={quote.reload} />
      </ConsultLayout>
    );
  const c = q.counselor;
  const short = q.available < q.minimum;
  const online = c.lineStatus === 'online';
  const minutes = Math.round(q.minimum / (2 * c.ratePer30s));
  const errors = fieldErrors(start.error);
  const code = start.error instanceof ApiError ? String(start.error.data?.code ?? '') : '';
  return (
    <ConsultLayout title={t('consult.call.title')}>
      <section className="card narrow call-page" data-testid="call-start">
        <header className="call-head">
          <strong className="call-name" data-testid="call-counselor">
            {c.name}
          </strong>
          <span className={`call-status call-status-${c.lineStatus}`} data-testid="call-status">
            {t(`consult.call.status.${c.lineStatus as 'online' | 'offline' | 'busy'}`)}
          </span>
        </header>
        <dl className="call-lines">
          <dt>{t('consult.call.rateLabel')}</dt>
          <dd data-testid="call-rate">{t('consult.call.rate', { n: pts(c.ratePer30s, lang) })}</dd>
          <dt>{t('consult.call.minimumN', { m: minutes })}</dt>
          <dd data-testid="call-minimum">{t('consult.points', { n: pts(q.minimum, lang) })}</dd>
          <dt>{t('consult.call.balance')}</dt>
          <dd data-testid="call-balance" className={short ? 'field-error' : ''}>
            {t('consult.points', { n: pts(q.available, lang) })}
          </dd>
          <dt>{t('consult.call.buys')}</dt>
          <dd data-testid="call-buys">{duration(t, q.seconds)}</dd>
        </dl>
        {short ? (
          <>
            <p className="alert alert-warn" data-testid="call-short">
              {t('consult.call.short', { n: pts(q.minimum, lang) })}
            </p>
            <Link className="btn btn-primary btn-block" to="/consult/points">
              {t('consult.call.charge')}
            </Link>
          </>
        ) : !online ? (
          <p className="alert alert-info" data-testid="call-unavailable">
            {t('consult.call.notNow')}
          </p>
        ) : (
          <form className="call-form" onSubmit={submit} noValidate>
            <Field
              label={t('consult.call.phone')}
              error={errors['body.phone']}
              hint={t('consult.call.phoneHint')}
            >
              <input
                name="phone"
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                maxLength={20}
                required
                placeholder="010-1234-5678"
                value={phone}
                onChange={(e) => setPhone(e.target.value)}
                data-testid="call-phone"
              />
            </Field>
            <p className="muted small">{t('consult.call.how')}</p>
            <button
              type="submit"
              className="btn btn-primary btn-block btn-large"
              disabled={start.busy}
              data-testid="call-start-button"
            >
              {t('consult.call.start')}
            </button>
          </form>
        )}
        {code === 'consult.call_open' ? (
          <p className="alert alert-info" data-testid="call-open">
            {t('consult.call.open')}{' '}
            {openCall && <Link to={`/consult/calls/${openCall}`}>{t('consult.call.seeOpen')}</Link>}
          </p>
        ) : code.startsWith('consult.counselor_') ? (
          <p className="alert alert-error">{t('consult.call.notNow')}</p>
        ) : code === 'consult.balance_below_minimum' ? (
          <p className="alert alert-error">{t('consult.call.short', { n: pts(q.minimum, lang) })}</p>
        ) : errors['body.phone'] ? null : (
          <ErrorBox error={start.error} />
        )}
        <Link to={`/consult/counselors/${c.id}`} className="btn btn-ghost btn-block">
          {t('consult.call.toCounselor')}
        </Link>
      </section>
    </ConsultLayout>
  );
}
