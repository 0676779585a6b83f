import { defineModule } from '../../platform/module.ts';
import { Chat } from './chat.ts';
import { ChatAdmin } from './chat-admin.ts';
import { chatNotices } from './chat-notices.ts';
import { chatRoutes } from './chat-routes.ts';
import { Counselors } from './counselors.ts';
import { itemRoutes } from './item-routes.ts';
import { Items } from './items.ts';
import { requestRoutes } from './request-routes.ts';
import { Requests } from './requests.ts';
import { consultSettings } from './settings.ts';
import { Wallet } from './wallet.ts';
import { walletRoutes } from './wallet-routes.ts';

/** What other modules and tests reach as `yeyak.consult`. */
export type Consult = {
  wallet: Wallet;
  counselors: Counselors;
  items: Items;
  chat: Chat;
  chatAdmin: ChatAdmin;
  requests: Requests;
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
    const items = new Items(ctx, counselors);
    const chat = new Chat(ctx, counselors);
    const chatAdmin = new ChatAdmin(ctx, chat);
    const requests = new Requests(ctx, { chat, items, wallet, counselors });
    const notices = chatNotices(ctx, requests);
    return {
      api: { wallet, counselors, items, chat, chatAdmin, requests },
      jobs: notices.jobs,
      consumers: [notices.consumer],
      routes(app, auth) {
        walletRoutes(app, auth, wallet);
        itemRoutes(app, auth, items);
        chatRoutes(app, auth, chat, chatAdmin, requests);
        requestRoutes(app, auth, requests);
      },
    };
  },
});
