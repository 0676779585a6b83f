import { defineModule } from '../../platform/module.ts';
import { Board } from './board.ts';
import { boardRoutes } from './board-routes.ts';
import { Counselors } from './counselors.ts';
import { Discovery } from './discovery.ts';
import { discoveryRoutes } from './discovery-routes.ts';
import { Favorites } from './favorites.ts';
import { favoritesRoutes } from './favorites-routes.ts';
import { PointItems } from './points.ts';
import { seedPointsDemo } from './points-demo.ts';
import { pointsRoutes } from './points-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { Purchases } from './purchases.ts';
import { Reviews } from './reviews.ts';
import { reviewRoutes } from './reviews-routes.ts';
import { consultSettings } from './settings.ts';
import { Settlement } from './settlement.ts';
import { Wallet } from './wallet.ts';
import { walletRoutes } from './wallet-routes.ts';

/** What other modules and tests reach as `yeyak.consult`. */
export type Consult = {
  wallet: Wallet;
  counselors: Counselors;
  discovery: Discovery;
  favorites: Favorites;
  board: Board;
  reviews: Reviews;
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
    const discovery = new Discovery(ctx);
    const favorites = new Favorites(ctx, discovery);
    const board = new Board(ctx);
    const reviews = new Reviews(ctx);
    const pointItems = new PointItems(ctx);
    const purchases = new Purchases(ctx, wallet, pointItems);
    const settlement = new Settlement(ctx);
    return {
      api: { wallet, counselors, pointItems, purchases, settlement, discovery, favorites, board, reviews },
      consumers: [purchases.consumer()],
      routes(app, auth) {
        walletRoutes(app, auth, wallet);
        pointsRoutes(app, auth, { items: pointItems, purchases, settlement });
        profileRoutes(app, ctx, auth, wallet);
        discoveryRoutes(app, ctx, auth, { discovery, favorites, reviews, board });
        favoritesRoutes(app, auth, favorites);
        boardRoutes(app, auth, board);
        reviewRoutes(app, auth, reviews);
      },
      referencedFiles: () => board.referencedFiles(),
      demo: (people) => seedPointsDemo(ctx, pointItems, wallet, people),
    };
  },
});
