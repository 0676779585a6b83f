import { guarded, type ModulePages } from '../../module.tsx';
import { AdminPointItemsPage } from './AdminItems.tsx';
import { AdminPurchasesPage } from './AdminPurchases.tsx';
import { AdminSettlementPage } from './AdminSettlement.tsx';
import { consultPointsWords } from './i18n.ts';
import { PurchasesPage } from './Purchases.tsx';
import { PointsResultPage } from './Result.tsx';
import { PointsShopPage } from './Shop.tsx';

/** Points: the shop, the payment result, the user's purchases, and the admins' three pages. */
export const consultPointsPages: ModulePages = {
  routes: [
    guarded('/consult/points', () => <PointsShopPage />),
    guarded('/consult/points/result/:id', (p) => <PointsResultPage id={p.id} />),
    guarded('/consult/purchases', () => <PurchasesPage />),
    guarded('/consult/admin/point-items', () => <AdminPointItemsPage />, ['admin']),
    guarded('/consult/admin/purchases', () => <AdminPurchasesPage />, ['admin']),
    guarded('/consult/admin/settlement', () => <AdminSettlementPage />, ['admin']),
  ],
  nav: [],
  words: consultPointsWords,
};
