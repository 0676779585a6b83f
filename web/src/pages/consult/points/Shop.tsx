import type { PointItem } from '../../../../../src/modules/consult/points.ts';
import type { Balance } from '../../../../../src/modules/consult/wallet.ts';
import { get, post } from '../../../api.ts';
import { won } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { Link } from '../../../router.tsx';
import { ErrorBox, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import './points.css';

export const pts = (n: number) => n.toLocaleString('ko-KR');

/** The gateway's phone page inside the app's WebView and on small or touch screens; the PC page otherwise. */
export function paymentDevice(): 'pc' | 'mobile' {
  if (window.YeyakPush) return 'mobile';
  if (/Android|iPhone|iPad|Mobile/i.test(navigator.userAgent)) return 'mobile';
  return window.matchMedia('(max-width: 760px)').matches ? 'mobile' : 'pc';
}

/** The balance, paid and bonus apart (shown on the shop and on the profile). */
export function BalanceCard({ balance }: { balance: Balance }) {
  const { t } = useI18n();
  return (
    <div className="points-balance card" data-testid="points-balance">
      <div className="muted small">{t('consult.points.balance')}</div>
      <div className="points-total" data-testid="points-available">
        {t('consult.points.amount', { n: pts(balance.available) })}
      </div>
      <div className="points-split">
        <span data-testid="points-paid">
          {t('consult.points.paid')} <b>{t('consult.points.amount', { n: pts(balance.paid) })}</b>
        </span>
        <span data-testid="points-bonus">
          {t('consult.points.bonus')} <b>{t('consult.points.amount', { n: pts(balance.bonus) })}</b>
        </span>
        {balance.held > 0 && (
          <span className="muted">{t('consult.points.held', { n: pts(balance.held) })}</span>
        )}
      </div>
    </div>
  );
}

/** `/consult/points`: the balance and the point items; buying one opens the gateway's page. */
export function PointsShopPage() {
  const { t, lang } = useI18n();
  const items = useLoad(() => get<{ items: PointItem[] }>('/api/consult/point-items'), []);
  const wallet = useLoad(() => get<{ balance: Balance }>('/api/consult/wallet?limit=1'), []);
  const buying = useAction();
  const buy = (item: PointItem) =>
    buying.run(async () => {
      const started = await post<{ redirectUrl: string }>('/api/consult/points/checkout', {
        itemId: item.id,
        device: paymentDevice(),
      });
      window.location.assign(started.redirectUrl);
    });
  return (
    <ConsultLayout title={t('consult.points.shop')}>
      <div className="points-page" data-testid="points-shop">
        {wallet.data && <BalanceCard balance={wallet.data.balance} />}
        <p className="muted small">{t('consult.points.shopIntro')}</p>
        {items.loading && <Loading />}
        <ErrorBox error={items.error ?? buying.error} onRetry={items.error ? items.reload : undefined} />
        {items.data?.items.length === 0 && <p className="empty">{t('consult.points.none')}</p>}
        <ul className="point-items">
          {items.data?.items.map((item) => (
            <li key={item.id} className="point-item card" data-testid="point-item">
              <div className="point-item-name">{item.name}</div>
              <div className="point-item-points">
                {t('consult.points.amount', { n: pts(item.points) })}
                {item.bonus > 0 && (
                  <span className="point-item-bonus">
                    {t('consult.points.plusBonus', { n: pts(item.bonus) })}
                  </span>
                )}
              </div>
              <button
                type="button"
                className="btn btn-primary"
                disabled={buying.busy}
                onClick={() => void buy(item)}
                data-testid="point-item-buy"
              >
                {t('consult.points.buy', { price: won(item.price, lang) })}
              </button>
            </li>
          ))}
        </ul>
        <p>
          <Link to="/consult/purchases">{t('consult.points.history')}</Link>
        </p>
      </div>
    </ConsultLayout>
  );
}
