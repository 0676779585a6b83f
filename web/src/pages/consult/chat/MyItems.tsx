import { type FormEvent, useState } from 'react';
import { api, get, post } from '../../../api.ts';
import { type Key, useI18n } from '../../../i18n.tsx';
import { ErrorBox, Field, fieldErrors, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { type ItemView, points } from './parts.tsx';

const KINDS = ['phone', 'chat', 'visit', 'cafe'] as const;
type Draft = { kind: ItemView['kind']; title: string; description: string; price: string; active: boolean };
/** The fields whose errors show beside them; any other error shows in the box. */
const SHOWN = ['body.kind', 'body.price', 'body.title', 'body.description'];
const blank: Draft = { kind: 'chat', title: '', description: '', price: '', active: true };

/** `/consult/me/items`: the counselor's service items, each edited in place, and a form to add one. */
export function MyItems() {
  const { t } = useI18n();
  const list = useLoad(() => get<{ items: ItemView[] }>('/api/consult/me/items'), []);
  if (list.loading && !list.data) return <Loading />;
  return (
    <ConsultLayout title={t('consult.items.title')}>
      <ErrorBox error={list.error} onRetry={list.reload} />
      {list.data && list.data.items.length === 0 && <p className="empty">{t('consult.items.none')}</p>}
      <div className="item-editor-list">
        {list.data?.items.map((i) => (
          <ItemForm key={i.id} item={i} onSaved={list.reload} />
        ))}
      </div>
      {list.data && <ItemForm onSaved={list.reload} />}
    </ConsultLayout>
  );
}

function ItemForm({ item, onSaved }: { item?: ItemView; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [d, setD] = useState<Draft>(() =>
    item
      ? {
          kind: item.kind,
          title: item.title,
          description: item.description,
          price: String(item.price),
          active: item.active,
        }
      : blank,
  );
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);
  const set = (k: keyof Draft, v: string | boolean) => {
    setSaved(false);
    setD((old) => ({ ...old, [k]: v }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const body = { ...d, price: Number(d.price) };
      if (item) await api('PATCH', `/api/consult/me/items/${item.id}`, body);
      else {
        await post('/api/consult/me/items', body);
        setD(blank);
      }
      setSaved(true);
      onSaved();
    });
  };
  return (
    <form className="card form item-form" onSubmit={submit} data-testid={item ? 'item-form' : 'item-new'}>
      {!item && <strong>{t('consult.items.add')}</strong>}
      <div className="row">
        <Field label={t('consult.items.kind')} error={errors['body.kind']}>
          <select value={d.kind} onChange={(e) => set('kind', e.target.value)} name="kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`consult.items.kind.${k}` as Key)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={d.kind === 'phone' ? t('consult.items.pricePhone') : t('consult.items.price')}
          error={errors['body.price']}
          hint={
            d.price
              ? d.kind === 'phone'
                ? t('consult.items.per30s', { n: d.price })
                : points(Number(d.price), lang)
              : undefined
          }
        >
          <input
            type="number"
            min={1}
            inputMode="numeric"
            value={d.price}
            required
            name="price"
            onChange={(e) => set('price', e.target.value)}
          />
        </Field>
      </div>
      <Field label={t('consult.items.name')} error={errors['body.title']}>
        <input
          value={d.title}
          maxLength={100}
          required
          name="title"
          onChange={(e) => set('title', e.target.value)}
        />
      </Field>
      <Field label={t('consult.items.description')} error={errors['body.description']}>
        <textarea
          value={d.description}
          maxLength={2000}
          rows={2}
          name="description"
          onChange={(e) => set('description', e.target.value)}
        />
      </Field>
      <label className="check">
        <input type="checkbox" checked={d.active} onChange={(e) => set('active', e.target.checked)} />{' '}
        {d.active ? t('consult.items.active') : t('consult.items.inactive')}
      </label>
      <div className="actions">
        {saved && <span className="muted small">{t('consult.items.saved')}</span>}
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {item ? t('common.save') : t('consult.items.add')}
        </button>
      </div>
      {Object.keys(errors).some((k) => !SHOWN.includes(k)) || !Object.keys(errors).length ? (
        <ErrorBox error={action.error} />
      ) : null}
    </form>
  );
}
