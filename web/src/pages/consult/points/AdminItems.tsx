import { type FormEvent, useState } from 'react';
import type { PointItem } from '../../../../../src/modules/consult/points.ts';
import { api, get, post } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import './points.css';

/** The three points admin pages, one link each. */
export function PointsAdminNav() {
  const { t } = useI18n();
  return (
    <nav className="points-admin-nav points-actions" aria-label={t('consult.points.admin.menu')}>
      <Link to="/consult/admin/point-items">{t('consult.points.admin.items')}</Link>
      <Link to="/consult/admin/purchases">{t('consult.points.admin.purchases')}</Link>
      <Link to="/consult/admin/settlement">{t('consult.points.admin.settlement')}</Link>
    </nav>
  );
}

type Draft = {
  name: string;
  price: string;
  points: string;
  bonus: string;
  active: boolean;
  position: string;
};
const blank: Draft = { name: '', price: '', points: '', bonus: '0', active: true, position: '0' };
const draftOf = (i: PointItem): Draft => ({
  name: i.name,
  price: String(i.price),
  points: String(i.points),
  bonus: String(i.bonus),
  active: i.active,
  position: String(i.position),
});
// Sent as typed: an empty or odd number is the server's to refuse, naming the field.
const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
const bodyOf = (d: Draft) => ({
  name: d.name,
  price: num(d.price),
  points: num(d.points),
  bonus: num(d.bonus),
  active: d.active,
  position: num(d.position),
});

/** One row of the editor: an existing item (saved with PATCH) or the new one (POST). */
function ItemForm({ item, onSaved }: { item?: PointItem; onSaved: () => void }) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(item ? draftOf(item) : blank);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const errs = fieldErrors(error);
  const set = (k: keyof Draft) => (e: { target: { value: string; checked?: boolean } }) => {
    setSaved(false);
    setD({ ...d, [k]: k === 'active' ? Boolean(e.target.checked) : e.target.value });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      // NaN is not JSON: send null, which the server refuses naming the field.
      const body = JSON.parse(JSON.stringify(bodyOf(d), (_k, v) => (Number.isNaN(v) ? null : v)));
      if (item) await api('PATCH', `/api/consult/admin/point-items/${item.id}`, body);
      else {
        await post('/api/consult/admin/point-items', body);
        setD(blank);
      }
      setSaved(true);
      onSaved();
    });
  };
  const input = (k: 'name' | 'price' | 'points' | 'bonus' | 'position', label: string) => (
    <label className={`field${errs[`body.${k}`] ? ' field-invalid' : ''}`}>
      <span className="field-label">{label}</span>
      <input
        name={k}
        value={d[k]}
        onChange={set(k)}
        inputMode={k === 'name' ? undefined : 'numeric'}
        data-testid={`item-${k}`}
      />
      {errs[`body.${k}`] && <span className="field-error">{errs[`body.${k}`]}</span>}
    </label>
  );
  return (
    <form
      className={`card point-item-form${item ? '' : ' point-item-new'}`}
      onSubmit={submit}
      noValidate
      data-testid={item ? 'point-item-row' : 'point-item-new'}
    >
      <div className="point-item-fields">
        {input('name', t('consult.points.admin.name'))}
        {input('price', t('consult.points.admin.price'))}
        {input('points', t('consult.points.admin.points'))}
        {input('bonus', t('consult.points.admin.bonus'))}
        {input('position', t('consult.points.admin.position'))}
        <label className="field field-check">
          <input type="checkbox" checked={d.active} onChange={set('active')} data-testid="item-active" />
          <span>{t('consult.points.admin.active')}</span>
        </label>
      </div>
      <div className="points-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy} data-testid="item-save">
          {item ? t('consult.points.admin.save') : t('consult.points.admin.add')}
        </button>
        {saved && <span className="muted small">{t('consult.points.admin.saved')}</span>}
      </div>
      {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
    </form>
  );
}

/** `/consult/admin/point-items`: every point item, editable in place, and a form for a new one. */
export function AdminPointItemsPage() {
  const { t } = useI18n();
  const items = useLoad(() => get<{ items: PointItem[] }>('/api/consult/admin/point-items'), []);
  return (
    <ConsultLayout title={t('consult.points.admin.items')}>
      <div className="points-page" data-testid="admin-point-items">
        <PointsAdminNav />
        <p className="muted small">{t('consult.points.admin.itemsIntro')}</p>
        {items.loading && <Loading />}
        <ErrorBox error={items.error} onRetry={items.reload} />
        {items.data?.items.map((i) => (
          <ItemForm key={`${i.id}:${JSON.stringify(i)}`} item={i} onSaved={() => void items.reload()} />
        ))}
        <ItemForm onSaved={() => void items.reload()} />
      </div>
    </ConsultLayout>
  );
}
