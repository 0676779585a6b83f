import { type FormEvent, useState } from 'react';
import { api, get, post } from '../../../api.ts';
import { useDemo } from '../../../demo.tsx';
import { type Key, useI18n } from '../../../i18n.tsx';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { BackToAdmin } from './Menu.tsx';
import './admin.css';

/** One row of GET /api/consult/admin/counselors (the admins' view). */
type AdminCounselor = {
  id: string;
  code: string;
  name: string;
  grade: string;
  ratePer30s: number;
  lineStatus: 'online' | 'offline' | 'busy';
  goneAt: string | null;
  userId: string | null;
  email: string | null;
  state: 'active' | 'hidden' | 'suspended';
  searchWeight: number;
  memo: string;
};
type SyncResult = { added: number; updated: number; gone: number; linked: number };
const STATES = ['active', 'hidden', 'suspended'] as const;

/** Link an unlinked counselor to the account with an e-mail (made and invited when there is none). */
function LinkForm({ c, onDone }: { c: AdminCounselor; onDone: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await post(`/api/consult/admin/counselors/${c.id}/link`, { email });
      onDone();
    });
  };
  return (
    <form className="ca-inline" onSubmit={submit} noValidate data-testid="link-form">
      <Field label={t('consult.cadmin.email')} error={errs['body.email']}>
        <input
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="link-email"
        />
      </Field>
      <button type="submit" className="btn btn-small btn-primary" disabled={busy} data-testid="link-submit">
        {t('consult.cadmin.link')}
      </button>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
    </form>
  );
}

/** Search weight, state and memo: only admins see or change these. */
function AdminFields({ c, onDone }: { c: AdminCounselor; onDone: () => void }) {
  const { t } = useI18n();
  const [d, setD] = useState({ searchWeight: String(c.searchWeight), state: c.state, memo: c.memo });
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const w = d.searchWeight.trim() === '' ? null : Number(d.searchWeight);
      await api('PATCH', `/api/consult/admin/counselors/${c.id}`, {
        // Sent as typed: the server refuses a non-number naming the field.
        searchWeight: Number.isNaN(w) ? d.searchWeight : w,
        state: d.state,
        memo: d.memo,
      });
      setSaved(true);
      onDone();
    });
  };
  return (
    <form className="ca-form" onSubmit={submit} noValidate data-testid="counselor-admin-form">
      <div className="ca-inline">
        <Field label={t('consult.cadmin.weight')} error={errs['body.searchWeight']}>
          <input
            inputMode="numeric"
            value={d.searchWeight}
            onChange={(e) => setD({ ...d, searchWeight: e.target.value })}
            data-testid="counselor-weight"
          />
        </Field>
        <Field label={t('consult.cadmin.state')} error={errs['body.state']}>
          <select
            value={d.state}
            onChange={(e) => setD({ ...d, state: e.target.value as AdminCounselor['state'] })}
            data-testid="counselor-state"
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`consult.cadmin.state.${s}` as Key)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('consult.cadmin.memo')} error={errs['body.memo']}>
        <textarea
          rows={2}
          maxLength={5000}
          value={d.memo}
          onChange={(e) => setD({ ...d, memo: e.target.value })}
          data-testid="counselor-memo"
        />
      </Field>
      <div className="ca-inline">
        <button type="submit" className="btn btn-small" disabled={busy} data-testid="counselor-admin-save">
          {t('consult.cadmin.save')}
        </button>
        {saved && <span className="muted small">{t('consult.cadmin.saved')}</span>}
      </div>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
    </form>
  );
}

/** `/consult/admin/counselors`: everyone the 060 service listed, linked or not; sync, link, admin fields. */
export function AdminCounselorsPage() {
  const { t } = useI18n();
  const { demo } = useDemo();
  const list = useLoad(() => get<{ counselors: AdminCounselor[] }>('/api/consult/admin/counselors'), []);
  const sync = useAction();
  const [result, setResult] = useState<SyncResult>();
  const [linked, setLinked] = useState<string>();
  const doSync = () =>
    void sync.run(async () => {
      setResult((await post<{ result: SyncResult }>('/api/consult/admin/counselors/sync')).result);
      await list.reload();
    });
  return (
    <ConsultLayout title={t('consult.cadmin.counselors')}>
      <BackToAdmin />
      <p className="muted small">{t('consult.cadmin.syncIntro')}</p>
      <div className="ca-toolbar">
        <button
          type="button"
          className="btn btn-primary"
          onClick={doSync}
          disabled={sync.busy}
          data-testid="sync-counselors"
        >
          {t('consult.cadmin.sync')}
        </button>
        {demo && (
          <a href="/sim/phone060/admin" target="_blank" rel="noreferrer" className="small">
            {t('consult.cadmin.sim060')}
          </a>
        )}
      </div>
      {result && (
        <div className="alert alert-success" role="status" data-testid="sync-result">
          {t('consult.cadmin.synced', result)}
        </div>
      )}
      {linked && (
        <div className="alert alert-success" role="status" data-testid="link-result">
          {t('consult.cadmin.linked')}
        </div>
      )}
      <ErrorBox error={sync.error} />
      {list.loading && <Loading />}
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.data?.counselors.length === 0 && <p className="muted">{t('consult.cadmin.none')}</p>}
      <ul className="ca-list" data-testid="admin-counselors">
        {list.data?.counselors.map((c) => (
          <li
            key={`${c.id}:${c.searchWeight}:${c.state}:${c.memo}:${c.email}`}
            className={`card ca-item${c.goneAt ? ' ca-gone' : ''}`}
            data-testid="admin-counselor"
            data-code={c.code}
          >
            <div className="ca-item-head">
              <strong>{c.name}</strong>
              <span className="muted small">
                {c.code}
                {c.grade && ` · ${c.grade}`} · {t('consult.cadmin.rate', { n: c.ratePer30s })}
              </span>
              <Badge tone={c.lineStatus === 'online' ? 'green' : c.lineStatus === 'busy' ? 'amber' : 'gray'}>
                {t(`consult.counselor.line.${c.lineStatus}` as Key)}
              </Badge>
              {c.goneAt && <Badge tone="red">{t('consult.cadmin.gone')}</Badge>}
              {c.state !== 'active' && (
                <Badge tone="amber">{t(`consult.cadmin.state.${c.state}` as Key)}</Badge>
              )}
            </div>
            {c.userId ? (
              <span className="small" data-testid="counselor-email">
                {t('consult.cadmin.linkedTo', { email: c.email ?? '—' })}
              </span>
            ) : (
              <>
                <Badge tone="blue">{t('consult.cadmin.unlinked')}</Badge>
                <LinkForm
                  c={c}
                  onDone={() => {
                    setLinked(c.id);
                    void list.reload();
                  }}
                />
              </>
            )}
            <AdminFields c={c} onDone={() => void list.reload()} />
          </li>
        ))}
      </ul>
    </ConsultLayout>
  );
}
