import { defineModule } from '../../platform/module.ts';
import { Counselors } from './counselors.ts';
import { PointItems } from './points.ts';
import { seedPointsDemo } from './points-demo.ts';
import { pointsRoutes } from './points-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { Purchases } from './purchases.ts';
import { consultSettings } from './settings.ts';
import { Settlement } from './settlement.ts';
import { Wallet } from './wallet.ts';
import { walletRoutes } from './wallet-routes.ts';

/** What other modules and tests reach as `yeyak.consult`. */
export type Consult = {
  wallet: Wallet;
  counselors: Counselors;
  pointItems: PointItems;
  purchases: Purchases;
  settlement: Settlement;
};

declare module '../../platform/module.ts' {
  interface ModuleApis {
    consult: Consult;
  }
}

/**
 * The consultation marketplace: counselors synced from a 060 phone service, points bought through a
 * payment gateway, chat, payment requests, phone consultations, board, reviews, bookmarks and likes.
 */
export const consult = defineModule({
  name: 'consult',
  migrations: { folder: 'consult' },
  settings: consultSettings,
  constraints: {
    consult_reviews_stars: { status: 400, message: 'stars: 1 to 5', path: 'body.stars' },
    consult_messages_body_length: { status: 400, message: 'at most 2,000 characters', path: 'body.text' },
  },
  fileColumns: [
    { table: 'consult_counselors', column: 'image_file_id' },
    { table: 'consult_profiles', column: 'image_file_id' },
    { table: 'consult_messages', column: 'file_id' },
  ],
  create(ctx) {
    const wallet = new Wallet(ctx);
    const counselors = new Counselors(ctx);
    const pointItems = new PointItems(ctx);
    const purchases = new Purchases(ctx, wallet, pointItems);
    const settlement = new Settlement(ctx);
    return {
      api: { wallet, counselors, pointItems, purchases, settlement },
      consumers: [purchases.consumer()],
      routes(app, auth) {
        walletRoutes(app, auth, wallet);
        pointsRoutes(app, auth, { items: pointItems, purchases, settlement });
        profileRoutes(app, ctx, auth, wallet);
      },
      demo: (people) => seedPointsDemo(ctx, pointItems, wallet, people),
    };
  },
});
