/** A whole yeyak whose Telegram bot talks to the notification stand-in, and how a chat speaks to it. */
import { expect } from 'vitest';
import type { Says } from '../../sims/notify/telegram.ts';
import { loadConfig } from '../../src/config.ts';
import type { RailConfig } from '../../src/modules/rail/config.ts';
import { type Backend, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser } from './app.ts';

export async function telegramRailApp(
  backend: Backend,
  telegram: Partial<RailConfig['telegram']> = {},
): Promise<RailTestEnv> {
  return railApp(backend, { telegram: { ...loadConfig({}).rail.telegram, pollSeconds: 1, ...telegram } });
}

/** What the bot sent to a chat, oldest first. */
export const repliesTo = (env: RailTestEnv, chatId: number) =>
  env.n.messages
    .filter(
      (m) => m.service === 'telegram' && String((m.body as { chat_id?: unknown }).chat_id) === String(chatId),
    )
    .map((m) => (m.body as { text: string }).text);

/** A user writes in the chat; the bot's answer (through the long poll or the webhook). */
export async function ask(env: RailTestEnv, chatId: number, text: string, o?: Says): Promise<string> {
  const before = repliesTo(env, chatId).length;
  await env.n.telegram.userSays(chatId, text, o);
  return eventually(async () => {
    const all = repliesTo(env, chatId);
    return all.length > before ? all[before] : undefined;
  });
}

/** A yeyak user with the sim's SRT member, their Telegram private chat `chatId` linked by the deep link's code. */
export async function telegramUser(env: RailTestEnv, chatId: number) {
  const u = await railUser(env);
  const res = await u.api.post<{ code: string; link: string }>('/api/rail/telegram/code');
  expect(res.status).toBe(200);
  const { code, link } = res.body.data as { code: string; link: string };
  expect(link).toBe(`https://t.me/${env.n.telegram.username}?start=${code}`);
  // What Telegram sends when the user opens the link and presses Start.
  expect(await ask(env, chatId, `/start ${code}`)).toContain('연결했습니다');
  return u;
}
