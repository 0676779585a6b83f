import { useState } from 'react';
import type { PurchaseView } from '../../../../../src/modules/consult/purchases.ts';
import { get } from '../../../api.ts';
import { shortDateTime, won } from '../../../format.ts';
import { useI18n } from '../../../i18n.tsx';
import { Badge, ErrorBox, Loading, useAction, useLoad } from '../../../ui.tsx';
import { ConsultLayout } from '../Layout.tsx';
import { pts } from './Shop.tsx';

export const purchaseTone = { pending: 'amber', credited: 'green', failed: 'red', refunded: 'gray' } as const;

/** `/consult/purchases`: the user's own points purchases, newest first. */
export function PurchasesPage() {
  const { t, lang } = useI18n();
  const first = useLoad(() => get<{ purchases: PurchaseView[] }>('/api/consult/purchases?limit=30'), []);
  const [more, setMore] = useState<PurchaseView[]>([]);
  const [done, setDone] = useState(false);
  const paging = useAction();
  const rows = [...(first.data?.purchases ?? []), ...more];
  const next = () =>
    paging.run(async () => {
      const last = rows[rows.length - 1];
      const page = await get<{ purchases: PurchaseView[] }>(
        `/api/consult/purchases?limit=30&before=${encodeURIComponent(last.createdAt)}`,
      );
      setMore([...more, ...page.purchases]);
      if (page.purchases.length < 30) setDone(true);
    });
  return (
    <ConsultLayout title={t('consult.points.purchases')}>
      <div className="points-page" data-testid="points-purchases">
        {first.loading && <Loading />}
        <ErrorBox error={first.error ?? paging.error} />
        {first.data && rows.length === 0 && <p className="empty">{t('consult.points.noPurchases')}</p>}
        <ul className="purchase-list">
          {rows.map((p) => (
            <li key={p.id} className="purchase card" data-testid="purchase-row" data-state={p.state}>
              <div className="purchase-main">
                <b>{p.name}</b>
                <Badge tone={purchaseTone[p.state]}>{t(`consult.points.state.${p.state}`)}</Badge>
              </div>
              <div className="muted small">
                {shortDateTime(p.createdAt, 'Asia/Seoul', lang)} · {won(p.price, lang)} · {pts(p.points)}P
                {p.bonus > 0 && ` + ${pts(p.bonus)}P`}
                {p.refundedPoints > 0 &&
                  ` · ${t('consult.points.refundedPoints', { n: pts(p.refundedPoints) })}`}
              </div>
            </li>
          ))}
        </ul>
        {rows.length >= 30 && !done && (
          <button type="button" className="btn" disabled={paging.busy} onClick={() => void next()}>
            {t('consult.points.more')}
          </button>
        )}
      </div>
    </ConsultLayout>
  );
}
