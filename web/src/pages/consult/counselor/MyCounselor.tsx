import { type FormEvent, useState } from 'react';
import type { Service } from '../../../../../src/modules/consult/schema.ts';
import { api, post } from '../../../api.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { Badge, ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ImageUpload } from '../../../upload.tsx';
import { useServiceName } from '../counselors/Card.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { Choices, SERVICES, under, useCategories } from './Apply.tsx';
import './counselor.css';

/** What GET /api/consult/me/counselor answers (the counselor's own view, without admin fields). */
export type OwnCounselor = {
  id: string;
  code: string;
  name: string;
  grade: string;
  ratePer30s: number;
  lineStatus: 'online' | 'offline' | 'busy';
  state: string;
  contact: string;
  address: string;
  categories: string[];
  services: Service[];
  autoOnline: boolean;
  imageFileId: string | null;
  intro: string;
  detail: string;
  likeCount: number;
  reviewCount: number;
  rating: number | null;
  earned: number;
};
type Draft = Pick<OwnCounselor, 'contact' | 'address' | 'intro' | 'detail' | 'autoOnline'> & {
  categories: string[];
  services: Service[];
};
const draftOf = (c: OwnCounselor): Draft => ({
  contact: c.contact,
  address: c.address,
  intro: c.intro,
  detail: c.detail,
  autoOnline: c.autoOnline,
  categories: c.categories,
  services: c.services,
});
const TONE = { online: 'green', offline: 'gray', busy: 'amber' } as const;

/** Online / away by hand, shown only with automatic status off (the server refuses it otherwise). */
function StatusSwitch({ c, onChange }: { c: OwnCounselor; onChange: (c: OwnCounselor) => void }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const set = (online: boolean) =>
    void run(async () => {
      const r = await post<{ lineStatus: OwnCounselor['lineStatus'] }>('/api/consult/me/counselor/status', {
        online,
      });
      onChange({ ...c, lineStatus: r.lineStatus });
    });
  return (
    <div className="cc-status" data-testid="line-status">
      <strong>{t('consult.counselor.status')}</strong>
      <Badge tone={TONE[c.lineStatus]}>{t(`consult.counselor.line.${c.lineStatus}` as Key)}</Badge>
      {c.autoOnline ? (
        <span className="muted small">{t('consult.counselor.autoOnNote')}</span>
      ) : (
        c.lineStatus !== 'busy' && (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => set(c.lineStatus !== 'online')}
            data-testid="line-toggle"
          >
            {c.lineStatus === 'online' ? t('consult.counselor.goOffline') : t('consult.counselor.goOnline')}
          </button>
        )
      )}
      <ErrorBox error={error} />
    </div>
  );
}

function Editor({ c, onSaved }: { c: OwnCounselor; onSaved: (c: OwnCounselor) => void }) {
  const { t } = useI18n();
  const service = useServiceName();
  const categories = useCategories();
  const [d, setD] = useState<Draft>(draftOf(c));
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const picture = useAction();
  const errs = fieldErrors(error);
  const edit = (patch: Partial<Draft>) => {
    setSaved(false);
    setD({ ...d, ...patch });
  };
  const text = (k: 'contact' | 'address' | 'intro' | 'detail') => ({
    name: k,
    value: d[k],
    onChange: (e: { target: { value: string } }) => edit({ [k]: e.target.value }),
    'data-testid': `counselor-${k}`,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ counselor: OwnCounselor }>('PATCH', '/api/consult/me/counselor', d);
      setSaved(true);
      onSaved(r.counselor);
    });
  };
  // Categories an admin removed since stay visible, so saving does not drop them silently.
  const options = [...new Set([...categories, ...d.categories])];
  return (
    <form className="card cc-form" onSubmit={submit} noValidate data-testid="counselor-form">
      <div className="cc-row">
        {c.imageFileId ? (
          <img
            className="cc-avatar"
            src={`/api/files/${c.imageFileId}/128`}
            alt={t('consult.counselor.picture')}
            width={72}
            height={72}
            data-testid="counselor-picture"
          />
        ) : (
          <div className="cc-avatar cc-avatar-empty">{t('consult.counselor.noPicture')}</div>
        )}
        <ImageUpload
          purpose="profile"
          hasImage={!!c.imageFileId}
          onUploaded={(f) =>
            void picture.run(async () => {
              const r = await api<{ counselor: OwnCounselor }>('PATCH', '/api/consult/me/counselor', {
                imageFileId: f.id,
              });
              onSaved(r.counselor);
            })
          }
        />
      </div>
      <ErrorBox error={picture.error} />
      <label className="field field-check">
        <input
          type="checkbox"
          checked={d.autoOnline}
          onChange={(e) => edit({ autoOnline: e.target.checked })}
          data-testid="counselor-autoOnline"
        />
        <span>{t('consult.counselor.autoOnline')}</span>
      </label>
      <span className="field-hint">{t('consult.counselor.autoOnlineHint')}</span>
      <Field label={t('consult.counselor.contact')} error={errs['body.contact']}>
        <input {...text('contact')} maxLength={200} />
      </Field>
      <Field label={t('consult.counselor.address')} error={errs['body.address']}>
        <input {...text('address')} maxLength={200} />
      </Field>
      <fieldset className="cc-fieldset">
        <legend>{t('consult.counselor.categories')}</legend>
        <Choices
          name="categories"
          options={options}
          value={d.categories}
          label={(x) => x}
          onChange={(v) => edit({ categories: v })}
          error={under(errs, 'body.categories')}
        />
      </fieldset>
      <fieldset className="cc-fieldset">
        <legend>{t('consult.counselor.services')}</legend>
        <Choices
          name="services"
          options={SERVICES}
          value={d.services}
          label={service}
          onChange={(v) => edit({ services: v })}
          error={under(errs, 'body.services')}
        />
      </fieldset>
      <Field label={t('consult.counselor.intro')} error={errs['body.intro']}>
        <textarea {...text('intro')} rows={3} maxLength={500} />
      </Field>
      <Field label={t('consult.counselor.detail')} error={errs['body.detail']}>
        <textarea {...text('detail')} rows={8} maxLength={5000} />
      </Field>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
      <div className="cc-row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="counselor-save">
          {t('consult.counselor.save')}
        </button>
        {saved && (
          <span className="muted small" role="status" data-testid="counselor-saved">
            {t('consult.counselor.saved')}
          </span>
        )}
      </div>
    </form>
  );
}

/** `/consult/me/counselor`: a counselor's own profile, their standing (read-only) and line status. */
export function MyCounselorPage() {
  const { t, lang } = useI18n();
  const me = useLoad(() => api<{ counselor: OwnCounselor }>('GET', '/api/consult/me/counselor'), []);
  const c = me.data?.counselor;
  const set = (x: OwnCounselor) => me.setData({ counselor: x });
  const n = (v: number) => v.toLocaleString(lang === 'ko' ? 'ko-KR' : 'en-US');
  const missing = me.error && (me.error as { status?: number }).status === 404;
  return (
    <ConsultLayout title={t('consult.counselor.me')}>
      {me.loading && <Loading />}
      {missing ? (
        <div className="alert" role="status">
          {t('consult.counselor.notLinked')}
        </div>
      ) : (
        <ErrorBox error={me.error} onRetry={me.reload} />
      )}
      {c && (
        <div data-testid="my-counselor">
          <p>
            <strong>{c.name}</strong> {c.grade && <span className="badge badge-blue">{c.grade}</span>}{' '}
            <span className="muted small">
              {t('consult.counselor.code', { code: c.code })} ·{' '}
              {t('consult.counselor.rate', { n: c.ratePer30s })}
            </span>
          </p>
          {c.state !== 'active' && (
            <div className="alert" role="status">
              {t('consult.counselor.hidden', { state: c.state })}
            </div>
          )}
          <dl className="card cc-stats" data-testid="counselor-stats">
            <div>
              <dt>{t('consult.counselor.earned')}</dt>
              <dd data-testid="counselor-earned">{n(c.earned)}P</dd>
            </div>
            <div>
              <dt>{t('consult.counselor.likes')}</dt>
              <dd>{n(c.likeCount)}</dd>
            </div>
            <div>
              <dt>{t('consult.counselor.rating')}</dt>
              <dd>
                {c.rating === null
                  ? t('consult.counselor.noRating')
                  : t('consult.counselor.ratingOf', { rating: c.rating, n: c.reviewCount })}
              </dd>
            </div>
          </dl>
          <StatusSwitch c={c} onChange={set} />
          <p>
            <Link to="/consult/me/items" className="btn btn-small" data-testid="my-items-link">
              {t('consult.counselor.items')}
            </Link>
          </p>
          <Editor key={c.id} c={c} onSaved={set} />
        </div>
      )}
    </ConsultLayout>
  );
}
