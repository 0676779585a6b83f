/**
 * The Telegram Bot API side of the notification stand-in: `POST /telegram/bot<token>/<method>` for
 * getMe, getUpdates (offset confirms earlier updates; timeout holds the request until one comes),
 * setWebhook (then updates are POSTed to the URL with `X-Telegram-Bot-Api-Secret-Token`, and
 * getUpdates answers 409 as Telegram does), deleteWebhook, getWebhookInfo, sendMessage. Tests make a
 * user speak with `userSays`; every answer is `{ok, result}` or `{ok: false, error_code, description}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type TelegramSimUpdate = {
  update_id: number;
  message: {
    message_id: number;
    date: number;
    from: { id: number; is_bot: false; first_name: string; language_code?: string };
    chat: { id: number; type: string; first_name?: string; title?: string };
    text: string;
  };
};

export type Says = {
  /** "private" unless told ("group" for a group chat, whose id is negative in Telegram). */
  chatType?: string;
  /** The sender's user id; the chat id in a private chat. */
  fromId?: number;
  languageCode?: string;
};

export type TelegramSim = {
  readonly username: string;
  /** Every getUpdates request's parameters, in order. */
  polls: { offset?: number; timeout?: number }[];
  /** Every webhook delivery: the update id and the status the server answered. */
  deliveries: { updateId: number; status: number }[];
  webhook: () => { url: string; secret?: string } | undefined;
  /** Sends webhook deliveries to another URL, keeping the secret (a test server instead of the public URL). */
  moveWebhook: (url: string) => void;
  /**
   * A text from a user in a chat: queued for getUpdates, or POSTed to the webhook when one is set
   * (the answer's status comes back; Telegram would retry a non-2xx).
   */
  userSays: (chatId: number, text: string, o?: Says) => Promise<{ updateId: number; status?: number }>;
  /** POSTs an update again to the webhook (what Telegram does after a failed or slow delivery). */
  redeliver: (updateId: number, secret?: string) => Promise<number>;
  /** Forgets what getUpdates confirmed, so the next poll returns those updates again. */
  unconfirm: () => void;
  /** Updates not yet confirmed by an offset. */
  pending: () => number;
  handle: (method: string, body: Record<string, unknown>, res: ServerResponse) => Promise<boolean>;
  close: () => void;
};

const answer = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const fail = (res: ServerResponse, status: number, description: string) =>
  answer(res, status, { ok: false, error_code: status, description });

export function telegramSim(): TelegramSim {
  const username = 'yeyak_test_bot';
  let nextId = 100_001;
  let messageId = 1;
  const all: TelegramSimUpdate[] = [];
  let confirmed = 0;
  let hook: { url: string; secret?: string } | undefined;
  const waiters = new Set<() => void>();
  const polls: TelegramSim['polls'] = [];
  const deliveries: TelegramSim['deliveries'] = [];
  const wake = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  const unconfirmed = () => all.filter((u) => u.update_id >= confirmed);

  const post = async (u: TelegramSimUpdate, secret = hook?.secret) => {
    if (!hook) throw new Error('no webhook set');
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(u),
    });
    await res.arrayBuffer();
    deliveries.push({ updateId: u.update_id, status: res.status });
    return res.status;
  };

  return {
    username,
    polls,
    deliveries,
    webhook: () => (hook ? { ...hook } : undefined),
    moveWebhook: (url) => {
      if (!hook) throw new Error('no webhook set');
      hook = { ...hook, url };
    },
    async userSays(chatId, text, o = {}) {
      const type = o.chatType ?? 'private';
      const u: TelegramSimUpdate = {
        update_id: nextId++,
        message: {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          from: {
            id: o.fromId ?? chatId,
            is_bot: false,
            first_name: 'Test',
            ...(o.languageCode ? { language_code: o.languageCode } : {}),
          },
          chat:
            type === 'private'
              ? { id: chatId, type, first_name: 'Test' }
              : { id: chatId, type, title: 'A group' },
          text,
        },
      };
      all.push(u);
      if (hook) return { updateId: u.update_id, status: await post(u) };
      wake();
      return { updateId: u.update_id };
    },
    async redeliver(updateId, secret) {
      const u = all.find((x) => x.update_id === updateId);
      if (!u) throw new Error(`no update ${updateId}`);
      return post(u, secret ?? hook?.secret);
    },
    unconfirm: () => {
      confirmed = 0;
    },
    pending: () => unconfirmed().length,
    async handle(method, body, res) {
      switch (method) {
        case 'getMe':
          answer(res, 200, {
            ok: true,
            result: { id: 7_000_001, is_bot: true, first_name: 'yeyak', username },
          });
          return true;
        case 'setWebhook': {
          const url = String(body.url ?? '');
          hook = url
            ? { url, secret: typeof body.secret_token === 'string' ? body.secret_token : undefined }
            : undefined;
          wake();
          answer(res, 200, {
            ok: true,
            result: true,
            description: url ? 'Webhook was set' : 'Webhook was deleted',
          });
          return true;
        }
        case 'deleteWebhook':
          hook = undefined;
          answer(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
          return true;
        case 'getWebhookInfo':
          answer(res, 200, {
            ok: true,
            result: { url: hook?.url ?? '', pending_update_count: hook ? 0 : unconfirmed().length },
          });
          return true;
        case 'getUpdates': {
          const offset = typeof body.offset === 'number' ? body.offset : undefined;
          const timeout = typeof body.timeout === 'number' ? body.timeout : 0;
          polls.push({ offset, timeout });
          if (hook) {
            fail(
              res,
              409,
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            );
            return true;
          }
          // An offset confirms every update before it: those are never returned again.
          if (offset !== undefined && offset > confirmed) confirmed = offset;
          if (!unconfirmed().length && timeout > 0) {
            await new Promise<void>((r) => {
              const t = setTimeout(() => {
                waiters.delete(done);
                r();
              }, timeout * 1000);
              const done = () => {
                clearTimeout(t);
                r();
              };
              waiters.add(done);
              res.on('close', done);
            });
          }
          if (!res.writableEnded && !res.destroyed)
            answer(res, 200, { ok: true, result: unconfirmed().slice(0, 100) });
          return true;
        }
        default:
          return false;
      }
    },
    close: wake,
  };
}

/** The Bot API method of a stand-in path (`/telegram/bot<token>/<method>`), if it is one. */
export function botMethod(req: IncomingMessage, path: string): string | undefined {
  if (req.method !== 'POST' && req.method !== 'GET') return undefined;
  return /^\/telegram\/bot[^/]+\/(\w+)$/.exec(path)?.[1];
}
