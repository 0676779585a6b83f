/**
 * Where a user hears from rail: e-mail, webhooks (kept sealed), Telegram and KakaoTalk; the channels
 * a watch uses unless it names its own.
 */
import { eq } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import { invalidField } from '../../platform/errors.ts';
import type { RailDeps } from './egress.ts';
import { railKakaoLinks, railNotifySettings } from './schema.ts';

export async function notifySettings(d: RailDeps, user: User) {
  const [s] = await d.ctx.database.db
    .select()
    .from(railNotifySettings)
    .where(eq(railNotifySettings.userId, user.id));
  return {
    email: s?.email ?? true,
    discord: !!s?.discordWebhook,
    slack: !!s?.slackWebhook,
    telegram: !!s?.telegramChatId,
    telegramChatId: s?.telegramChatId ?? null,
    telegramAvailable: !!d.ctx.config.rail.telegramToken,
  };
}

export async function saveNotifySettings(
  d: RailDeps,
  user: User,
  input: {
    email?: boolean;
    discordWebhook?: string | null;
    slackWebhook?: string | null;
    telegramChatId?: string | null;
  },
) {
  const seal = (v: string | null | undefined, kind: string) =>
    v ? d.sealer.seal(v, `notify:${user.id}:${kind}`) : v === null ? null : undefined;
  const values = {
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.discordWebhook !== undefined ? { discordWebhook: seal(input.discordWebhook, 'discord') } : {}),
    ...(input.slackWebhook !== undefined ? { slackWebhook: seal(input.slackWebhook, 'slack') } : {}),
    ...(input.telegramChatId !== undefined ? { telegramChatId: input.telegramChatId } : {}),
    updatedAt: new Date(),
  };
  await d.ctx.database.db
    .insert(railNotifySettings)
    .values({ userId: user.id, ...values })
    .onConflictDoUpdate({ target: railNotifySettings.userId, set: values });
  return notifySettings(d, user);
}

/** The user's channels with secrets opened (for the notifier only). */
export async function channelsFor(d: RailDeps, userId: string) {
  const [s] = await d.ctx.database.db
    .select()
    .from(railNotifySettings)
    .where(eq(railNotifySettings.userId, userId));
  const open = (v: string | null | undefined, kind: string) =>
    v ? d.sealer.open(v, `notify:${userId}:${kind}`) : undefined;
  return {
    email: s?.email ?? true,
    discord: open(s?.discordWebhook, 'discord'),
    slack: open(s?.slackWebhook, 'slack'),
    telegram: s?.telegramChatId ?? undefined,
  };
}

/** The channels a user set up once: every watch uses them unless it names its own. */
export async function defaultChannels(d: RailDeps, userId: string): Promise<string[]> {
  const c = await channelsFor(d, userId);
  const [k] = await d.ctx.database.db
    .select({ k: railKakaoLinks.botUserKey })
    .from(railKakaoLinks)
    .where(eq(railKakaoLinks.userId, userId));
  return [
    ...(c.email ? ['email'] : []),
    ...(c.discord ? ['discord'] : []),
    ...(c.slack ? ['slack'] : []),
    ...(c.telegram ? ['telegram'] : []),
    ...(k ? ['kakao'] : []),
  ];
}

/**
 * Refuses a watch that names a channel the user never set up (it would tell them nothing):
 * a 400 naming `body.notify`. E-mail goes to the account's address, so it is always there.
 */
export async function checkNotify(d: RailDeps, userId: string, notify: string[], path = 'body.notify') {
  const ready = new Set(['email', ...(await defaultChannels(d, userId))]);
  const missing = [...new Set(notify)].filter((c) => !ready.has(c));
  if (!missing.length) return;
  const how: Record<string, string> = {
    discord: 'add a Discord webhook in the notification settings',
    slack: 'add a Slack webhook in the notification settings',
    telegram: d.ctx.config.rail.telegramToken
      ? 'add your Telegram chat in the notification settings'
      : 'this server has no Telegram bot',
    kakao: 'link KakaoTalk first (the code on the settings page)',
  };
  throw invalidField(
    path,
    `not set up: ${missing.map((c) => `${c} (${how[c] ?? 'unknown channel'})`).join(', ')}; leave notify out to use the channels you set up`,
  );
}
