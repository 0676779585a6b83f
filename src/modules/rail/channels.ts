/**
 * Rail's side of the platform's notification channels (src/platform/notify): the channels a watch
 * uses unless it names its own (the user's settings plus a linked KakaoTalk), and the check that a
 * watch names only channels the user set up.
 */
import { eq } from 'drizzle-orm';
import { invalidField } from '../../platform/errors.ts';
import type { Channel } from '../../platform/notify/index.ts';
import type { RailDeps } from './egress.ts';
import { railKakaoLinks } from './schema.ts';

/** The channels a user set up once: every watch uses them unless it names its own. */
export async function defaultChannels(d: RailDeps, userId: string): Promise<Channel[]> {
  const set = await d.ctx.notify.channelsOf(userId);
  const [k] = await d.ctx.database.db
    .select({ k: railKakaoLinks.botUserKey })
    .from(railKakaoLinks)
    .where(eq(railKakaoLinks.userId, userId));
  return [...set, ...(k ? (['kakao'] as const) : [])];
}

/**
 * Refuses a watch that names a channel the user never set up (it would tell them nothing):
 * a 400 naming `body.notify`. E-mail goes to the account's address, so it is always there.
 */
export async function checkNotify(d: RailDeps, userId: string, notify: string[], path = 'body.notify') {
  const ready = new Set<string>(['email', ...(await defaultChannels(d, userId))]);
  const missing = [...new Set(notify)].filter((c) => !ready.has(c));
  if (!missing.length) return;
  const how: Record<string, string> = {
    discord: 'add a Discord webhook in the notification settings',
    slack: 'add a Slack webhook in the notification settings',
    telegram: d.ctx.config.notify.telegramToken
      ? 'add your Telegram chat in the notification settings'
      : 'this server has no Telegram bot',
    kakao: 'link KakaoTalk first (the code on the settings page)',
  };
  throw invalidField(
    path,
    `not set up: ${missing.map((c) => `${c} (${how[c] ?? 'unknown channel'})`).join(', ')}; leave notify out to use the channels you set up`,
  );
}
