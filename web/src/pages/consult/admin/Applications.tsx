import { useState } from 'react';
import type { Service } from '../../../../../src/modules/consult/schema.ts';
import { get, post } from '../../../api.ts';
import { shortDateTime } from '../../../format.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { Badge, ErrorBox, Loading, useAction, useConfirm, useLoad } from '../../../ui.tsx';
import { useServiceName } from '../counselors/Card.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { BackToAdmin } from './Menu.tsx';
import './admin.css';

type State = 'new' | 'accepted' | 'rejected';
type Application = {
  id: string;
  name: string;
  email: string;
  phone: string;
  categories: string[];
  services: Service[];
  intro: string;
  career: string;
  state: State;
  createdAt: string;
  decidedAt: string | null;
};
const STATES: State[] = ['new', 'accepted', 'rejected'];
const TONE = { new: 'blue', accepted: 'green', rejected: 'gray' } as const;

function Row({ a, onDone }: { a: Application; onDone: () => void }) {
  const { t, lang } = useI18n();
  const service = useServiceName();
  const { busy, error, run } = useAction();
  const confirm = useConfirm();
  const decide = (state: 'accepted' | 'rejected') =>
    void run(async () => {
      const label = t(state === 'accepted' ? 'consult.cadmin.accept' : 'consult.cadmin.reject');
      if (!(await confirm.ask(`${label}: ${a.name} (${a.email})?`))) return;
      await post(`/api/consult/admin/applications/${a.id}/decision`, { state });
      onDone();
    });
  return (
    <li className="card ca-item" data-testid="application" data-email={a.email}>
      <div className="ca-item-head">
        <strong>{a.name}</strong>
        <Badge tone={TONE[a.state]}>{t(`consult.cadmin.app.${a.state}` as Key)}</Badge>
        <span className="muted small">{shortDateTime(a.createdAt, 'Asia/Seoul', lang)}</span>
      </div>
      <span className="small">
        {a.email} · {a.phone}
      </span>
      {(a.categories.length > 0 || a.services.length > 0) && (
        <span className="small">
          {[...a.categories, ...a.services.map(service)].map((x) => (
            <span key={x} className="badge badge-gray">
              {x}
            </span>
          ))}
        </span>
      )}
      {a.intro && <p className="ca-pre small">{a.intro}</p>}
      {a.career && <p className="ca-pre small muted">{a.career}</p>}
      {a.state === 'new' && (
        <div className="ca-inline">
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={busy}
            onClick={() => decide('accepted')}
            data-testid="application-accept"
          >
            {t('consult.cadmin.accept')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => decide('rejected')}
            data-testid="application-reject"
          >
            {t('consult.cadmin.reject')}
          </button>
        </div>
      )}
      <ErrorBox error={error} />
      {confirm.element}
    </li>
  );
}

/** `/consult/admin/applications`: counselor applications, filtered by state; accept or reject new ones. */
export function AdminApplicationsPage() {
  const { t } = useI18n();
  const [state, setState] = useState<State | ''>('new');
  const list = useLoad(
    () =>
      get<{ applications: Application[] }>(
        `/api/consult/admin/applications${state ? `?state=${state}` : ''}`,
      ),
    [state],
  );
  return (
    <ConsultLayout title={t('consult.cadmin.applications')}>
      <BackToAdmin />
      <p className="muted small">{t('consult.cadmin.acceptHint')}</p>
      <fieldset className="ca-toolbar chips ca-filter" aria-label={t('consult.cadmin.filter')}>
        {(['', ...STATES] as const).map((s) => (
          <button
            key={s || 'all'}
            type="button"
            className="chip"
            aria-pressed={state === s}
            onClick={() => setState(s)}
            data-testid={`filter-${s || 'all'}`}
          >
            {s ? t(`consult.cadmin.app.${s}` as Key) : t('consult.cadmin.all')}
          </button>
        ))}
      </fieldset>
      {list.loading && <Loading />}
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.data?.applications.length === 0 && <p className="muted">{t('consult.cadmin.noApplications')}</p>}
      <ul className="ca-list" data-testid="applications">
        {list.data?.applications.map((a) => (
          <Row key={`${a.id}:${a.state}`} a={a} onDone={() => void list.reload()} />
        ))}
      </ul>
    </ConsultLayout>
  );
}
