/**
 * Notification channels for rail watches: e-mail through the platform mailer, and Discord, Slack and
 * Telegram through their public webhook/bot APIs (base URLs from configuration, so tests point them
 * at sims/notify).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RailConfig } from '../../platform/config.ts';
import { mailTemplates } from '../../platform/mail/mailer.ts';

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
