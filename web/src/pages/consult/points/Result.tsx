import { useEffect } from 'react';
import type { PurchaseView } from '../../../../../src/modules/consult/purchases.ts';
import { get } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link, useLocation } from '../../../router.tsx';
import { useLoad } from '../../../ui.tsx';
import { PaymentOrderStatus, usePaymentOrder } from '../../payments/Result.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { pts } from './Shop.tsx';

const POLL_MS = 1500;

/**
 * `/consult/points/result/:id`, where the gateway's return brings the buyer: the payment's state
 * (the platform's result, polled while it is confirmed), then the purchase, polled until credited.
 */
export function PointsResultPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { search } = useLocation();
  const poll = usePaymentOrder(id);
  const paid = poll.order?.state === 'paid' || poll.order?.state === 'refunded';
  const purchase = useLoad(
    () =>
      paid
        ? get<{ purchase: PurchaseView }>(`/api/consult/purchases/order/${id}`)
        : Promise.resolve(undefined),
    [id, paid],
  );
  const p = purchase.data?.purchase;
  const crediting = paid && p?.state === 'pending';
  const { reload, data } = purchase;
  useEffect(() => {
    if (!crediting) return;
    const timer = setTimeout(() => void reload(), POLL_MS);
    return () => clearTimeout(timer);
  }, [crediting, reload, data]);
  return (
    <ConsultLayout title={t('consult.points.result')}>
      <div className="points-page narrow" data-testid="points-result">
        <PaymentOrderStatus id={id} problem={search.get('problem')} poll={poll} />
        {paid && (!p || crediting) && (
          <p className="points-crediting" data-testid="points-crediting">
            {t('consult.points.crediting')}
          </p>
        )}
        {p?.state === 'credited' && (
          <div className="result result-green" data-testid="points-credited">
            <div className="result-title">{t('consult.points.credited', { n: pts(p.points) })}</div>
            {p.bonus > 0 && <div>{t('consult.points.creditedBonus', { n: pts(p.bonus) })}</div>}
          </div>
        )}
        {p?.state === 'refunded' && <p className="muted">{t('consult.points.refundedNote')}</p>}
        <p className="points-actions">
          <Link to="/consult/profile" className="btn btn-primary" data-testid="points-to-profile">
            {t('consult.points.toProfile')}
          </Link>
          <Link to="/consult/points" className="btn">
            {t('consult.points.toShop')}
          </Link>
        </p>
      </div>
    </ConsultLayout>
  );
}
