import { useEffect, useState } from 'react';
import type { OrderView } from '../../../../src/platform/payments/index.ts';
import { ApiError, get } from '../../api.ts';
import { won } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, useLocation } from '../../router.tsx';
import { ErrorBox, Loading, PageTitle, useLoad } from '../../ui.tsx';

/** How long the page keeps asking while the gateway's word has not arrived (every 2 s). */
const POLL_MS = 2000;
const POLL_FOR_MS = 60_000;

const tones = {
  paid: 'green',
  failed: 'red',
  cancelled: 'gray',
  refunded: 'gray',
  created: 'amber',
} as const;

/** The order, asked for again every 2 s (for a minute) while the gateway's word has not arrived. */
export function usePaymentOrder(id: string) {
  const [since] = useState(Date.now());
  const load = useLoad(() => get<{ order: OrderView }>(`/api/payments/orders/${id}`), [id]);
  const order = load.data?.order;
  const pending = order?.state === 'created';
  const waited = Date.now() - since > POLL_FOR_MS;
  const { reload, data } = load;
  useEffect(() => {
    if (!pending || waited) return;
    const timer = setTimeout(() => void reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, waited, reload, data]);
  return { ...load, order, waited };
}

/**
 * An order's state in plain words (and the reason a gateway's result was refused, if the server
 * said one): the platform's result page shows it, and so do modules' own result pages.
 */
export function PaymentOrderStatus({
  id,
  problem,
  poll,
}: {
  id: string;
  problem: string | null;
  poll: ReturnType<typeof usePaymentOrder>;
}) {
  const { t, lang } = useI18n();
  const { order, error, loading, data, reload, waited } = poll;
  const notFound = id === 'unknown' || (error instanceof ApiError && error.status === 404);
  return (
    <>
      {problem && (
        <div className="alert alert-warn" data-testid="payment-problem">
          {t('pay.result.problem', { reason: problem })}
        </div>
      )}
      {loading && !data && <Loading />}
      {notFound ? (
        <p className="empty">{t('pay.result.unknown')}</p>
      ) : (
        <ErrorBox error={error} onRetry={reload} />
      )}
      {order && (
        <div className={`result result-${tones[order.state]}`} data-testid={`payment-${order.state}`}>
          <div className="result-title">
            {order.state === 'created' ? t('pay.result.pending') : t(`pay.result.${order.state}`)}
          </div>
          <div>
            {order.state === 'paid' &&
              t('pay.result.paidNote', { product: order.productName, amount: won(order.amount, lang) })}
            {order.state === 'failed' && t('pay.result.failedNote')}
            {order.state === 'cancelled' && t('pay.result.cancelledNote')}
            {order.state === 'refunded' &&
              t('pay.result.refundedNote', { amount: won(order.refundedAmount, lang) })}
            {order.state === 'created' &&
              (waited ? t('pay.result.stillPending') : t('pay.result.pendingNote'))}
          </div>
          <div className="muted small">
            {t('pay.result.order')}: <code>{order.id}</code>
          </div>
        </div>
      )}
    </>
  );
}

/**
 * Where the buyer lands after the payment page (the server redirects here from the gateway's return,
 * unless the order's purpose has a page of its own): the order's state, refreshed while it is still
 * being confirmed, and a way back.
 */
export function PaymentResultPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const poll = usePaymentOrder(id);
  return (
    <section className="narrow payment-result" data-testid="payment-result">
      <PageTitle k="pay.result.title" />
      <PaymentOrderStatus id={id} problem={search.get('problem')} poll={poll} />
      <p>
        <Link to="/" className="btn" data-testid="payment-back">
          {t('pay.result.back')}
        </Link>
      </p>
    </section>
  );
}
