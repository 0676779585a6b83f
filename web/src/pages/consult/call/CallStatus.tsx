import { useState } from 'react';
import type { CallView } from '../../../../../src/modules/consult/calls.ts';
import { useDemo } from '../../../demo.tsx';
import { countdown } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { usePoll } from '../../../poll.ts';
import { Link } from '../../../router.tsx';
import { Loading, useNow } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { duration, phoneShown, pts } from './parts.tsx';
import './call.css';

/** While a call is open or on, the page asks every few seconds; the bill ends the polling. */
const POLL_MS = 2500;
const TZ = 'Asia/Seoul';

/**
 * `/consult/calls/:id`: before the call, the number to dial, the counselor code, the time the held
 * points buy and the 30-minute window; during it, a waiting line; after it, the bill (time billed,
 * points used, points back), or "released" when no call came.
 */
export function CallPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const { demo } = useDemo();
  const [call, setCall] = useState<CallView>();
  const live = !call || call.state === 'open' || call.state === 'started';
  const { failures, gone } = usePoll<{ call: CallView }>(live ? `/api/consult/calls/${id}` : null, {
    intervalMs: POLL_MS,
    hiddenIntervalMs: 15_000,
    onData: (d) => setCall(d.call),
  });
  const now = useNow(1000);
  if (!call)
    return (
      <ConsultLayout title={t('consult.call.title')}>
        {gone ? (
          <p className="alert alert-error" data-testid="call-gone">
            {t('common.notFound')}
          </p>
        ) : failures > 0 ? (
          <p className="alert alert-error">{t('consult.call.reconnecting')}</p>
        ) : (
          <Loading />
        )}
      </ConsultLayout>
    );
  const left = new Date(call.expiresAt).getTime() - now;
  const by = new Date(call.expiresAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'ko-KR', {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
  });
  const used = call.charged ?? 0;
  const back = call.state === 'ended' ? call.held - used : call.held;
  return (
    <ConsultLayout title={t('consult.call.title')}>
      <section className="card narrow call-page" data-testid="call-page" data-state={call.state}>
        <header className="call-head">
          <strong className="call-name">{call.counselorName}</strong>
          <span className="muted small">{t('consult.call.rate', { n: pts(call.ratePer30s, lang) })}</span>
        </header>
        {call.state === 'open' && (
          <>
            <div className="call-dial">
              <span className="muted small">{t('consult.call.dial')}</span>
              <a
                className="call-number"
                href={`tel:${(call.dialNumber ?? '').replace(/[^\d+]/g, '')}`}
                data-testid="call-dial"
              >
                {call.dialNumber}
              </a>
              <span className="muted small">{t('consult.call.code')}</span>
              <span className="call-code" data-testid="call-code">
                {call.code}
              </span>
            </div>
            <dl className="call-lines">
              <dt>{t('consult.call.remaining')}</dt>
              <dd data-testid="call-remaining">{duration(t, call.secondsBought)}</dd>
              <dt>{t('consult.call.held')}</dt>
              <dd>{t('consult.points', { n: pts(call.held, lang) })}</dd>
              <dt>{t('consult.call.from')}</dt>
              <dd data-testid="call-from">{phoneShown(call.phone)}</dd>
            </dl>
            <p className="call-window alert alert-info" data-testid="call-window">
              {t('consult.call.window', { time: by, left: countdown(left) })}
            </p>
            <p className="muted small">{t('consult.call.waiting')}</p>
          </>
        )}
        {call.state === 'started' && (
          <p className="alert alert-info" data-testid="call-in-call">
            {t('consult.call.inCall')}
          </p>
        )}
        {call.state === 'ended' && (
          <>
            <div className="result result-green" data-testid="call-ended">
              <div className="result-title">{t('consult.call.ended')}</div>
            </div>
            <dl className="call-lines" data-testid="call-bill">
              <dt>{t('consult.call.billed')}</dt>
              <dd data-testid="call-billed">{duration(t, call.billedSeconds ?? 0)}</dd>
              <dt>{t('consult.call.used')}</dt>
              <dd data-testid="call-used">{t('consult.points', { n: pts(used, lang) })}</dd>
              <dt>{t('consult.call.returned')}</dt>
              <dd data-testid="call-returned">{t('consult.points', { n: pts(back, lang) })}</dd>
            </dl>
          </>
        )}
        {call.state === 'voided' && (
          <>
            <p className="alert alert-info" data-testid="call-released">
              {t('consult.call.released')}
            </p>
            <dl className="call-lines">
              <dt>{t('consult.call.returned')}</dt>
              <dd data-testid="call-returned">{t('consult.points', { n: pts(back, lang) })}</dd>
            </dl>
          </>
        )}
        {failures > 0 && <p className="muted small">{t('consult.call.reconnecting')}</p>}
        {demo && live && (
          <div className="call-demo" data-testid="call-demo">
            <span className="muted small">{t('consult.call.simulateNote')}</span>
            <a
              href={`/sim/phone060/simulate?phone=${encodeURIComponent(call.phone)}&code=${encodeURIComponent(call.code)}`}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="call-simulate"
            >
              {t('consult.call.simulate')}
            </a>
          </div>
        )}
        <p className="call-actions">
          <Link to="/consult/profile" className="btn btn-block">
            {t('consult.call.toProfile')}
          </Link>
          <Link to={`/consult/counselors/${call.counselorId}`} className="btn btn-ghost btn-block">
            {t('consult.call.toCounselor')}
          </Link>
        </p>
      </section>
    </ConsultLayout>
  );
}
