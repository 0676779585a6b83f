/**
 * Notification channels for rail watches: e-mail through the platform mailer, Discord, Slack and
 * Telegram through their public webhook/bot APIs, and KakaoTalk through the chatbot Event API (base
 * URLs from configuration, so tests point them at sims/notify).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mailTemplates } from '../../platform/mail/mailer.ts';
import type { RailConfig } from './config.ts';

export type Channel = 'email' | 'discord' | 'slack' | 'telegram' | 'kakao';
export const CHANNELS: readonly Channel[] = ['email', 'discord', 'slack', 'telegram', 'kakao'];

export const renderRailMail = mailTemplates(resolve(dirname(fileURLToPath(import.meta.url)), 'templates'));

export type Message = { title: string; lines: string[] };

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from the webhook`);
}

/** Discord webhook: `{content}` (at most 2000 characters). */
export const sendDiscord = (webhook: string, m: Message) =>
  postJson(webhook, { content: [`**${m.title}**`, ...m.lines].join('\n').slice(0, 2000) });

/** Slack incoming webhook: `{text}` in mrkdwn. */
export const sendSlack = (webhook: string, m: Message) =>
  postJson(webhook, { text: [`*${m.title}*`, ...m.lines].join('\n') });

/** Telegram Bot API sendMessage. */
export function sendTelegram(config: RailConfig, chatId: string, m: Message) {
  if (!config.telegramToken) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  return postJson(`${config.telegramApi.replace(/\/$/, '')}/bot${config.telegramToken}/sendMessage`, {
    chat_id: chatId,
    text: [m.title, ...m.lines].join('\n'),
  });
}

/** The user keys a skill request carries; any of them addresses an Event API message. */
type KakaoUserType = 'botUserKey' | 'plusfriendUserKey' | 'appUserId';
export type KakaoEventUser = { type: KakaoUserType; id: string };
/** The Event API's answer. `SUCCESS` means Kakao accepted the task, not that the user has read it. */
export type KakaoEventAnswer = { taskId: string; status: 'SUCCESS'; message: string };

/** Recipients per Event API request (as public integrations of the Event API send them). */
const KAKAO_EVENT_MAX_USERS = 100;

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
  config: RailConfig['kakao'],
  users: KakaoEventUser[],
  m: Message,
): Promise<KakaoEventAnswer> {
  if (!config.botId || !config.restApiKey)
    throw new Error('KAKAO_BOT_ID and KAKAO_REST_API_KEY must be set to send KakaoTalk notifications');
  if (users.length < 1 || users.length > KAKAO_EVENT_MAX_USERS)
    throw new Error(`a Kakao event goes to 1 to ${KAKAO_EVENT_MAX_USERS} users (got ${users.length})`);
  const res = await fetch(
    `${config.apiUrl.replace(/\/$/, '')}/v2/bots/${encodeURIComponent(config.botId)}/talk`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `KakaoAK ${config.restApiKey}` },
      body: JSON.stringify({
        event: { name: config.eventName, data: { text: [m.title, ...m.lines].join('\n').slice(0, 1000) } },
        user: users.map((u) => ({ type: u.type, id: u.id })),
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    },
  );
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  const status = typeof body?.status === 'string' ? body.status : undefined;
  // Kakao's platform errors elsewhere answer {code, msg}; the Event API's own refusals say {status, message}.
  const message = [body?.message, body?.msg].find((x): x is string => typeof x === 'string') ?? '';
  if (!res.ok || status !== 'SUCCESS')
    throw new Error(
      `Kakao Event API refused the message (HTTP ${res.status}${status ? ` ${status}` : ''}${message ? `: ${message}` : ''})`,
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
