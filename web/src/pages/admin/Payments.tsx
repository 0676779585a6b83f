import { type FormEvent, useEffect, useState } from 'react';
import type { AdminOrderView, OrderState } from '../../../../src/platform/payments/index.ts';
import { get, post } from '../../api.ts';
import { shortDateTime, won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import {
  Badge,
  ErrorBox,
  Field,
  fieldErrors,
  Loading,
  PageTitle,
  TableWrap,
  useAction,
  useConfirm,
} from '../../ui.tsx';
import { AdminTabs } from './AdminTabs.tsx';

type Page = { orders: AdminOrderView[]; nextBefore: string | null; purposes: string[] };
type Filters = { state: string; user: string; purpose: string };
const STATES: OrderState[] = ['created', 'paid', 'failed', 'cancelled', 'refunded'];
const tone = { created: 'amber', paid: 'green', failed: 'red', cancelled: 'gray', refunded: 'blue' } as const;
const none: Filters = { state: '', user: '', purpose: '' };

function queryOf(f: Filters, before?: string) {
  const p = new URLSearchParams();
  for (const k of ['state', 'user', 'purpose'] as const) if (f[k].trim()) p.set(k, f[k].trim());
  if (before) p.set('before', before);
  return p.toString();
}

/** One order: its state and, for an admin, cancel (unpaid) or refund (paid, whole or part), asked first. */
function OrderRow({ o, onChanged }: { o: AdminOrderView; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { busy, error, run } = useAction();
  const { ask, element } = useConfirm();
  const [amount, setAmount] = useState('');
  const errs = fieldErrors(error);
  const left = o.amount - o.refundedAmount;
  const refundable = (o.state === 'paid' || o.state === 'refunded') && left > 0;
  const cancel = async () => {
    if (!(await ask(t('pay.admin.cancelAsk', { product: o.productName, amount: won(o.amount, lang) }))))
      return;
    await run(async () => {
      await post(`/api/admin/payments/${o.id}/cancel`, {});
      onChanged();
    });
  };
  const refund = async () => {
    const n = amount.trim() ? Number(amount) : undefined;
    const shown = won(n ?? left, lang);
    if (!(await ask(t('pay.admin.refundAsk', { amount: shown, who: o.userEmail ?? o.userId })))) return;
    await run(async () => {
      await post(`/api/admin/payments/${o.id}/cancel`, n === undefined ? {} : { amount: n });
      setAmount('');
      onChanged();
    });
  };
  return (
    <tr data-testid="payment-row" data-state={o.state}>
      <td className="small">{shortDateTime(o.createdAt, undefined, lang)}</td>
      <td>
        <div>{o.userEmail}</div>
        <div className="muted small">
          <code>{o.purpose}</code> · {o.ref}
        </div>
      </td>
      <td>{o.productName}</td>
      <td>
        <div>{won(o.amount, lang)}</div>
        {o.refundedAmount > 0 && (
          <div className="muted small">
            {t('pay.admin.refunded', { amount: won(o.refundedAmount, lang) })}
          </div>
        )}
      </td>
      <td>
        <Badge tone={tone[o.state]}>{t(`pay.state.${o.state}`)}</Badge>
      </td>
      <td>
        {element}
        {o.state === 'created' && (
          <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={cancel}>
            {t('pay.admin.cancel')}
          </button>
        )}
        {refundable && (
          <div className="row refund-row">
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={left}
              aria-label={t('pay.admin.refundAmount')}
              placeholder={won(left, lang)}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              data-testid="refund-amount"
            />
            <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={refund}>
              {t('pay.admin.refund')}
            </button>
          </div>
        )}
        {errs.amount && <div className="field-error small">{errs.amount}</div>}
        {!errs.amount && <ErrorBox error={error} />}
      </td>
    </tr>
  );
}

/** `/admin/payments`: the orders, newest first, filtered by state, user and purpose. */
export function AdminPaymentsPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<Filters>(none);
  const [applied, setApplied] = useState<Filters>(none);
  const [page, setPage] = useState<Page>();
  const action = useAction();
  const errs = fieldErrors(action.error);
  const load = (f: Filters, before?: string) =>
    action.run(async () => {
      const next = await get<Page>(`/api/admin/payments?${queryOf(f, before)}`);
      setPage((old) => (before && old ? { ...next, orders: [...old.orders, ...next.orders] } : next));
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
    <section className="admin-payments" data-testid="admin-payments">
      <AdminTabs />
      <div className="page-head">
        <PageTitle k="pay.admin.title" />
        <p className="muted small">{t('pay.admin.subtitle')}</p>
      </div>
      <form className="card form log-filters" onSubmit={submit} noValidate>
        <div className="grid-3">
          <Field label={t('pay.admin.state')}>
            <select name="state" value={form.state} onChange={set('state')}>
              <option value="">{t('pay.admin.any')}</option>
              {STATES.map((s) => (
                <option key={s} value={s}>
                  {t(`pay.state.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('pay.admin.user')} error={errs['querystring.user']}>
            <input name="user" type="email" value={form.user} onChange={set('user')} />
          </Field>
          <Field label={t('pay.admin.purpose')}>
            <select name="purpose" value={form.purpose} onChange={set('purpose')}>
              <option value="">{t('pay.admin.any')}</option>
              {page?.purposes.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            {t('pay.admin.search')}
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} />
      {page === undefined && action.busy && <Loading />}
      {page?.orders.length === 0 && <p className="empty">{t('pay.admin.empty')}</p>}
      {page && page.orders.length > 0 && (
        <TableWrap>
          <table className="table" data-testid="payments-table">
            <thead>
              <tr>
                <th>{t('pay.admin.when')}</th>
                <th>{t('pay.admin.user')}</th>
                <th>{t('pay.admin.product')}</th>
                <th>{t('pay.admin.amount')}</th>
                <th>{t('pay.admin.state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {page.orders.map((o) => (
                <OrderRow key={o.id} o={o} onChanged={() => void load(applied)} />
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
          {t('pay.admin.more')}
        </button>
      )}
    </section>
  );
}
