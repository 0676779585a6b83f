import { defineModule } from '../../platform/module.ts';
import { Applications } from './applications.ts';
import { Board } from './board.ts';
import { boardRoutes } from './board-routes.ts';
import { seedBrowseDemo } from './browse-demo.ts';
import { callRoutes } from './call-routes.ts';
import { Calls } from './calls.ts';
import { Chat } from './chat.ts';
import { ChatAdmin } from './chat-admin.ts';
import { seedChatDemo } from './chat-demo.ts';
import { chatNotices } from './chat-notices.ts';
import { chatRoutes } from './chat-routes.ts';
import { consultConfig } from './config.ts';
import { counselorRoutes } from './counselor-routes.ts';
import { Counselors } from './counselors.ts';
import { seedCounselorsDemo } from './counselors-demo.ts';
import { Discovery } from './discovery.ts';
import { discoveryRoutes } from './discovery-routes.ts';
import { Favorites } from './favorites.ts';
import { favoritesRoutes } from './favorites-routes.ts';
import { itemRoutes } from './item-routes.ts';
import { Items } from './items.ts';
import { phone060FromConfig } from './phone060/index.ts';
import { PointItems } from './points.ts';
import { seedPointsDemo } from './points-demo.ts';
import { pointsRoutes } from './points-routes.ts';
import { seenRecently } from './presence.ts';
import { profileRoutes } from './profile-routes.ts';
import { Purchases } from './purchases.ts';
import { PushAdmin } from './push-admin.ts';
import { pushAdminRoutes } from './push-admin-routes.ts';
import { requestRoutes } from './request-routes.ts';
import { Requests } from './requests.ts';
import { Reviews } from './reviews.ts';
import { reviewRoutes } from './reviews-routes.ts';
import { consultSettings } from './settings.ts';
import { Settlement } from './settlement.ts';
import { CounselorSync } from './sync.ts';
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
  applications: Applications;
  sync: CounselorSync;
  calls: Calls;
  items: Items;
  chat: Chat;
  chatAdmin: ChatAdmin;
  requests: Requests;
  pushes: PushAdmin;
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
  config: consultConfig,
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
    const phone = phone060FromConfig(ctx.config.consult.phone060, ctx.config.demo, ctx.selfUrl);
    const applications = new Applications(ctx);
    const sync = new CounselorSync(ctx, counselors, applications, phone);
    const calls = new Calls(ctx, wallet, counselors, phone);
    const items = new Items(ctx, counselors);
    const chat = new Chat(ctx, counselors);
    const chatAdmin = new ChatAdmin(ctx, chat);
    const requests = new Requests(ctx, { chat, items, wallet, counselors });
    const notices = chatNotices(ctx, requests);
    const pushes = new PushAdmin(ctx);
    const api = {
      wallet,
      counselors,
      pointItems,
      purchases,
      settlement,
      applications,
      sync,
      calls,
      items,
      chat,
      chatAdmin,
      requests,
      discovery,
      favorites,
      board,
      reviews,
      pushes,
    };
    return {
      api,
      consumers: [purchases.consumer(), applications.consumer(), sync.inviteConsumer(), notices.consumer],
      jobs: [...sync.jobs(), ...calls.jobs(), ...notices.jobs, ...pushes.jobs()],
      routes(app, auth) {
        seenRecently(app, ctx, auth);
        counselorRoutes(app, ctx, auth, { counselors, applications, sync, wallet });
        callRoutes(app, ctx, auth, calls, phone);
        walletRoutes(app, auth, wallet);
        pointsRoutes(app, auth, { items: pointItems, purchases, settlement });
        profileRoutes(app, ctx, auth, wallet);
        itemRoutes(app, auth, items);
        chatRoutes(app, auth, chat, chatAdmin, requests);
        requestRoutes(app, auth, requests);
        discoveryRoutes(app, ctx, auth, { discovery, favorites, reviews, board });
        favoritesRoutes(app, auth, favorites);
        boardRoutes(app, auth, board);
        reviewRoutes(app, auth, reviews);
        pushAdminRoutes(app, ctx, auth, pushes);
      },
      referencedFiles: () => board.referencedFiles(),
      demo: async (people) => {
        await seedPointsDemo(ctx, pointItems, wallet, people);
        const demo = await seedCounselorsDemo(ctx, { counselors, sync }, people);
        if (!demo) return;
        await seedChatDemo(ctx, api, { user: people.buyer, counselorId: demo.counselorId });
        await seedBrowseDemo(
          ctx,
          { board, reviews },
          { admin: people.admin, writers: [people.buyer, people.organizer], counselorIds: demo.counselorIds },
        );
      },
    };
  },
});
