import { type FormEvent, useEffect, useState } from 'react';
import type { AdminPurchaseView, PurchaseState } from '../../../../../src/modules/consult/purchases.ts';
import { get, post } from '../../../api.ts';
import { shortDateTime, won } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import {
  Badge,
  ErrorBox,
  Field,
  fieldErrors,
  Loading,
  TableWrap,
  useAction,
  useConfirm,
} from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { PointsAdminNav } from './AdminItems.tsx';
import { purchaseTone } from './Purchases.tsx';
import { pts } from './Shop.tsx';

type Page = { purchases: AdminPurchaseView[]; nextBefore: string | null };
type Filters = { state: string; email: string; from: string; to: string };
const STATES: PurchaseState[] = ['pending', 'credited', 'failed', 'refunded'];
const none: Filters = { state: '', email: '', from: '', to: '' };

function queryOf(f: Filters, before?: string) {
  const p = new URLSearchParams();
  for (const k of ['state', 'email', 'from', 'to'] as const) if (f[k].trim()) p.set(k, f[k].trim());
  if (before) p.set('before', before);
  return p.toString();
}

/** One purchase; a credited one has a refund button (asked first). */
function PurchaseRow({ p, onChanged }: { p: AdminPurchaseView; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { busy, error, run } = useAction();
  const { ask, element } = useConfirm();
  const refund = async () => {
    const q = t('consult.points.admin.refundAsk', {
      who: p.userEmail ?? p.userId,
      item: p.name,
      price: won(p.price, lang),
    });
    if (!(await ask(q))) return;
    await run(async () => {
      await post(`/api/consult/admin/purchases/${p.id}/refund`);
      onChanged();
    });
  };
  return (
    <tr data-testid="admin-purchase-row" data-state={p.state}>
      <td className="small">{shortDateTime(p.createdAt, 'Asia/Seoul', lang)}</td>
      <td>{p.userEmail}</td>
      <td>{p.name}</td>
      <td>{won(p.price, lang)}</td>
      <td>
        {pts(p.points)}P{p.bonus > 0 && <span className="muted"> + {pts(p.bonus)}P</span>}
        {p.state === 'refunded' && (
          <div className="muted small">
            {t('consult.points.refundedPoints', { n: pts(p.refundedPoints) })}
          </div>
        )}
      </td>
      <td>
        <Badge tone={purchaseTone[p.state]}>{t(`consult.points.state.${p.state}`)}</Badge>
      </td>
      <td>
        {element}
        {p.state === 'credited' && (
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            disabled={busy}
            onClick={() => void refund()}
            data-testid="purchase-refund"
          >
            {t('consult.points.admin.refund')}
          </button>
        )}
        <ErrorBox error={error} />
      </td>
    </tr>
  );
}

/** `/consult/admin/purchases`: every points purchase, by state, buyer e-mail and days. */
export function AdminPurchasesPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<Filters>(none);
  const [applied, setApplied] = useState<Filters>(none);
  const [page, setPage] = useState<Page>();
  const action = useAction();
  const errs = fieldErrors(action.error);
  const load = (f: Filters, before?: string) =>
    action.run(async () => {
      const next = await get<Page>(`/api/consult/admin/purchases?${queryOf(f, before)}`);
      setPage((old) =>
        before && old ? { ...next, purchases: [...old.purchases, ...next.purchases] } : next,
      );
      setApplied(f);
    });
  useEffect(() => {
    void load(none);
  }, []);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(form);
  };
  return (
    <ConsultLayout title={t('consult.points.admin.purchases')}>
      <div className="points-page points-admin" data-testid="admin-purchases">
        <PointsAdminNav />
        <p className="muted small">{t('consult.points.admin.purchasesIntro')}</p>
        <form className="card form points-filters" onSubmit={submit} noValidate>
          <Field label={t('consult.points.state')}>
            <select name="state" value={form.state} onChange={set('state')} data-testid="filter-state">
              <option value="">{t('consult.points.admin.any')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`consult.points.state.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('consult.points.admin.email')} error={errs['querystring.email']}>
            <input name="email" value={form.email} onChange={set('email')} data-testid="filter-email" />
          </Field>
          <Field label={t('consult.points.admin.from')} error={errs['querystring.from']}>
            <input name="from" type="date" value={form.from} onChange={set('from')} />
          </Field>
          <Field label={t('consult.points.admin.to')} error={errs['querystring.to']}>
            <input name="to" type="date" value={form.to} onChange={set('to')} />
          </Field>
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={action.busy}
              data-testid="filter-search"
            >
              {t('consult.points.admin.search')}
            </button>
          </div>
        </form>
        {Object.keys(errs).length === 0 && <ErrorBox error={action.error} />}
        {page === undefined && action.busy && <Loading />}
        {page?.purchases.length === 0 && <p className="empty">{t('consult.points.noPurchases')}</p>}
        {page && page.purchases.length > 0 && (
          <TableWrap>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('consult.points.when')}</th>
                  <th>{t('consult.points.admin.email')}</th>
                  <th>{t('consult.points.item')}</th>
                  <th>{t('consult.points.price')}</th>
                  <th>{t('consult.points.points')}</th>
                  <th>{t('consult.points.state')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {page.purchases.map((p) => (
                  <PurchaseRow key={p.id} p={p} onChanged={() => void load(applied)} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {page?.nextBefore && (
          <button
            type="button"
            className="btn"
            disabled={action.busy}
            onClick={() => void load(applied, page.nextBefore ?? undefined)}
          >
            {t('consult.points.more')}
          </button>
        )}
      </div>
    </ConsultLayout>
  );
}
