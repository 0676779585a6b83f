import type { CallView } from '../../../../../src/modules/consult/calls.ts';
import { get } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { duration, pts } from './parts.tsx';
import './call.css';

/** `/consult/calls`: your phone consultations, newest first, each opening its page (the bill). */
export function CallsPage() {
  const { t, lang } = useI18n();
  const calls = useLoad(() => get<{ calls: CallView[] }>('/api/consult/calls'), []);
  const state = (c: CallView) =>
    c.state === 'ended'
      ? `${duration(t, c.billedSeconds ?? 0)} · ${t('consult.call.used')} ${pts(c.charged ?? 0, lang)}P`
      : c.state === 'voided'
        ? t('consult.call.releasedShort')
        : c.state === 'started'
          ? t('consult.call.status.busy')
          : t('consult.call.waiting');
  return (
    <ConsultLayout title={t('consult.call.listTitle')}>
      {calls.loading && <Loading />}
      <ErrorBox error={calls.error} onRetry={calls.reload} />
      {calls.data?.calls.length === 0 && <p className="empty">{t('consult.call.none')}</p>}
      <ul className="call-list" data-testid="calls">
        {calls.data?.calls.map((c) => (
          <li key={c.id}>
            <Link to={`/consult/calls/${c.id}`} className="call-row">
              <strong>
                {c.counselorName} ({c.code})
              </strong>
              <span className="muted small">{shortDateTime(c.createdAt, 'Asia/Seoul', lang)}</span>
              <span>{state(c)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </ConsultLayout>
  );
}
