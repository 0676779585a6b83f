/**
 * One sender per channel: Discord and Slack incoming webhooks, the Telegram Bot API and the Kakao
 * i Open Builder Event API, all through the platform's HTTP client (timeout, Retry-After, the
 * outbound address guard). E-mail goes through the platform mailer (index.ts). Base URLs come from
 * configuration, so tests point them at sims/notify.
 */
import { excerpt, Http, joinUrl, reasonFor, safeJson, UpstreamError } from '../net/http.ts';
import type { NotifyConfig } from './config.ts';

/** The channels that leave the server; a watch names its own from these. */
export type OutboundChannel = 'email' | 'discord' | 'slack' | 'telegram' | 'kakao';
export const CHANNELS: readonly OutboundChannel[] = ['email', 'discord', 'slack', 'telegram', 'kakao'];
/**
 * `inapp` is a row the user reads in the web (inapp.ts); a logged-in user always has it. `push`
 * goes to the user's app and browsers (src/platform/push) when they gave push consent.
 */
export type Channel = OutboundChannel | 'inapp' | 'push';

/**
 * What a notification says: a title and lines; `html` is the e-mail body when there is one; `link`
 * is the page in this site the in-app notice opens (a path starting with `/`, never a URL).
 */
export type Message = { title: string; lines: string[]; html?: string; link?: string };

/** A webhook or a bot that does not answer within this is failed (the event retries it later). */
const TIMEOUT_MS = 10_000;

// One client per service: each keeps its own request count and pacing.
const clients = new Map<string, Http>();
const client = (service: string) => {
  let http = clients.get(service);
  if (!http) {
    http = new Http(service, { timeoutMs: TIMEOUT_MS });
    clients.set(service, http);
  }
  return http;
};

/** POSTs JSON; anything but 2xx is an UpstreamError naming the status (never the URL: it is the secret). */
async function postJson(service: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const { res, text } = await client(service).request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { res, text };
}

async function postWebhook(service: string, url: string, body: unknown): Promise<void> {
  const { res } = await postJson(service, url, body);
  if (!res.ok)
    throw new UpstreamError(service, reasonFor(res.status), `HTTP ${res.status} from the webhook`, {
      upstreamStatus: res.status,
    });
}

/** Discord webhook: `{content}` (at most 2000 characters). */
export const sendDiscord = (webhook: string, m: Message) =>
  postWebhook('discord', webhook, { content: [`**${m.title}**`, ...m.lines].join('\n').slice(0, 2000) });

/** Slack incoming webhook: `{text}` in mrkdwn. */
export const sendSlack = (webhook: string, m: Message) =>
  postWebhook('slack', webhook, { text: [`*${m.title}*`, ...m.lines].join('\n') });

/** Telegram Bot API sendMessage. */
export async function sendTelegram(config: NotifyConfig, chatId: string, m: Message): Promise<void> {
  if (!config.telegramToken) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const { res, text } = await postJson(
    'telegram',
    joinUrl(config.telegramApi, `/bot${config.telegramToken}/sendMessage`),
    { chat_id: chatId, text: [m.title, ...m.lines].join('\n') },
  );
  if (!res.ok) {
    // Telegram explains a refusal in `description` (e.g. "chat not found"); the token is in the URL only.
    const said = (safeJson(text) as { description?: unknown } | undefined)?.description;
    throw new UpstreamError(
      'telegram',
      reasonFor(res.status),
      `Telegram refused the message: HTTP ${res.status}${typeof said === 'string' ? ` ${excerpt(said)}` : ''}`,
      { upstreamStatus: res.status },
    );
  }
}

/** The user keys a skill request carries; any of them addresses an Event API message. */
export type KakaoUserType = 'botUserKey' | 'plusfriendUserKey' | 'appUserId';
export type KakaoEventUser = { type: KakaoUserType; id: string };
/** The Event API's answer. `SUCCESS` means Kakao accepted the task, not that the user has read it. */
export type KakaoEventAnswer = { taskId: string; status: 'SUCCESS'; message: string };

/** Recipients per Event API request (as public integrations of the Event API send them). */
export const KAKAO_EVENT_MAX_USERS = 100;

/**
 * Kakao i Open Builder Event API: `POST {api}/v2/bots/{botId}/talk`
 * with `Authorization: KakaoAK {REST API key}` and `{event: {name, data}, user: [{type, id}]}`; the
 * answer is `{taskId, status, message, timestamp}`. This body comes from public
 * integrations, not from Kakao's reference, which is silent on: the HTTP status and text of a refusal,
 * how the Event block reads `event.data` (we send the message as `event.data.text`, which the block
 * must show) and its length limit (we keep simpleText's 1000 characters). The optional top-level
 * `params` is not sent: our Event block calls no skill.
 */
export async function sendKakaoEvent(
  config: NotifyConfig['kakao'],
  users: KakaoEventUser[],
  m: Message,
): Promise<KakaoEventAnswer> {
  if (!config.botId || !config.restApiKey)
    throw new Error('KAKAO_BOT_ID and KAKAO_REST_API_KEY must be set to send KakaoTalk notifications');
  if (users.length < 1 || users.length > KAKAO_EVENT_MAX_USERS)
    throw new Error(`a Kakao event goes to 1 to ${KAKAO_EVENT_MAX_USERS} users (got ${users.length})`);
  const { res, text } = await postJson(
    'kakao',
    joinUrl(config.apiUrl, `/v2/bots/${encodeURIComponent(config.botId)}/talk`),
    {
      event: { name: config.eventName, data: { text: [m.title, ...m.lines].join('\n').slice(0, 1000) } },
      user: users.map((u) => ({ type: u.type, id: u.id })),
    },
    { authorization: `KakaoAK ${config.restApiKey}` },
  );
  const body = safeJson(text) as Record<string, unknown> | undefined;
  const status = typeof body?.status === 'string' ? body.status : undefined;
  // Kakao's platform errors elsewhere answer {code, msg}; the Event API's own refusals say {status, message}.
  const message = [body?.message, body?.msg].find((x): x is string => typeof x === 'string') ?? '';
  if (!res.ok || status !== 'SUCCESS')
    throw new UpstreamError(
      'kakao',
      res.ok ? 'bad_response' : reasonFor(res.status),
      `Kakao Event API refused the message (HTTP ${res.status}${status ? ` ${status}` : ''}${message ? `: ${message}` : ''})`,
      { upstreamStatus: res.status },
    );
  return { taskId: typeof body?.taskId === 'string' ? body.taskId : '', status, message };
}

/** A webhook URL is accepted only under the configured base (no requests to arbitrary hosts). */
export function webhookAllowed(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    return (
      u.origin === b.origin && u.pathname.startsWith(b.pathname) && u.pathname.length > b.pathname.length
    );
  } catch {
    return false;
  }
}
