/**
 * The few Telegram Bot API methods the two-way chat needs: getMe (the bot's username for the deep
 * link), getUpdates (long poll), setWebhook / deleteWebhook, sendMessage. Every answer is
 * `{ok, result}` or `{ok: false, error_code, description}`; the token is in the URL, so errors name
 * the method and Telegram's description, never the URL.
 */
import { excerpt, Http, joinUrl, reasonFor, safeJson, UpstreamError } from '../../../platform/net/http.ts';

/** The part of an Update yeyak reads: private text messages. */
export type TelegramUpdate = {
  update_id: number;
  message?: {
    message_id: number;
    from?: { id: number; is_bot?: boolean; language_code?: string };
    chat: { id: number; type: string };
    text?: string;
  };
};

/** Telegram's limit for one message's text. */
export const TEXT_LIMIT = 4096;

export class TelegramApi {
  private readonly http: Http;
  /** Long polls wait up to pollSeconds on Telegram's side; the request may take that long and more. */
  private readonly poller: Http;

  constructor(
    private readonly base: string,
    private readonly token: string,
    pollSeconds: number,
  ) {
    this.http = new Http('telegram', { timeoutMs: 10_000 });
    this.poller = new Http('telegram', { timeoutMs: (pollSeconds + 10) * 1000, attempts: 1 });
  }

  private async call<T>(method: string, body: unknown, o: { http?: Http; signal?: AbortSignal } = {}) {
    const { res, text } = await (o.http ?? this.http).request(
      joinUrl(this.base, `/bot${this.token}/${method}`),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        // getUpdates only confirms earlier updates: asking again is harmless.
        idempotent: method !== 'sendMessage',
        signal: o.signal,
      },
    );
    const answer = safeJson(text) as { ok?: boolean; result?: T; description?: unknown } | undefined;
    if (!res.ok || !answer?.ok) {
      const said = typeof answer?.description === 'string' ? ` ${excerpt(answer.description)}` : '';
      throw new UpstreamError(
        'telegram',
        reasonFor(res.status),
        `Telegram ${method}: HTTP ${res.status}${said}`,
        {
          upstreamStatus: res.status,
        },
      );
    }
    return answer.result as T;
  }

  getMe() {
    return this.call<{ id: number; username?: string }>('getMe', {});
  }

  /** Updates from `offset` on (confirming every earlier one), waiting up to `timeout` seconds for one. */
  getUpdates(offset: number | undefined, timeout: number, signal?: AbortSignal) {
    return this.call<TelegramUpdate[]>(
      'getUpdates',
      { ...(offset !== undefined ? { offset } : {}), timeout, allowed_updates: ['message'] },
      { http: this.poller, signal },
    );
  }

  setWebhook(url: string, secretToken: string) {
    return this.call<boolean>('setWebhook', { url, secret_token: secretToken, allowed_updates: ['message'] });
  }

  /** getUpdates answers 409 while a webhook is set: polling starts by removing it (pending updates stay). */
  deleteWebhook() {
    return this.call<boolean>('deleteWebhook', { drop_pending_updates: false });
  }

  /** Plain text (no parse_mode: station names and user words never break the message). */
  sendMessage(chatId: string, text: string) {
    return this.call<{ message_id: number }>('sendMessage', {
      chat_id: chatId,
      text: text.slice(0, TEXT_LIMIT),
      link_preview_options: { is_disabled: true },
    });
  }
}
