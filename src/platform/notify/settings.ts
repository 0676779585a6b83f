/**
 * A user's channel settings: e-mail on or off, Discord and Slack webhooks (sealed: whoever has one
 * can post to the channel), a Telegram chat. What leaves here for a page says only whether a
 * webhook is set, never the webhook.
 */
import { eq } from 'drizzle-orm';
import type { Sealer } from '../crypto.ts';
import type { Db } from '../db.ts';
import { type FieldError, fieldError } from '../errors.ts';
import { msg } from '../messages/index.ts';
import { notifySettings } from '../schema.ts';
import type { NotifyConfig } from './config.ts';
import { webhookAllowed } from './senders.ts';

/** What the user sees of their settings. */
export type ChannelSettings = {
  email: boolean;
  discord: boolean;
  slack: boolean;
  telegram: boolean;
  telegramChatId: string | null;
  /** Whether this server has a Telegram bot at all. */
  telegramAvailable: boolean;
};

/** A change; `null` removes a channel, a missing field leaves it as it is. */
export type ChannelSettingsInput = {
  email?: boolean;
  discordWebhook?: string | null;
  slackWebhook?: string | null;
  telegramChatId?: string | null;
};

/** The user's addresses per channel, secrets opened (for sending only). */
export type UserAddresses = { email: boolean; discord?: string; slack?: string; telegram?: string };

/** The binding of a sealed webhook: the same as when rail kept them, so values sealed then still open. */
const aad = (userId: string, kind: 'discord' | 'slack') => `notify:${userId}:${kind}`;

export class ChannelSettingsStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: Sealer,
    private readonly config: NotifyConfig,
  ) {}

  async get(userId: string): Promise<ChannelSettings> {
    const [s] = await this.db.select().from(notifySettings).where(eq(notifySettings.userId, userId));
    return {
      email: s?.email ?? true,
      discord: !!s?.discordWebhook,
      slack: !!s?.slackWebhook,
      telegram: !!s?.telegramChatId,
      telegramChatId: s?.telegramChatId ?? null,
      telegramAvailable: !!this.config.telegramToken,
    };
  }

  /**
   * What is wrong with a change on this server (a webhook outside the configured base, Telegram
   * without a bot), each naming its field under `body.`; empty when it can be saved.
   */
  problems(input: ChannelSettingsInput): FieldError[] {
    const c = this.config;
    const out: FieldError[] = [];
    if (input.discordWebhook && !webhookAllowed(input.discordWebhook, c.discordBase))
      out.push(fieldError('body.discordWebhook', msg('notify.webhook_prefix', { prefix: c.discordBase })));
    if (input.slackWebhook && !webhookAllowed(input.slackWebhook, c.slackBase))
      out.push(fieldError('body.slackWebhook', msg('notify.webhook_prefix', { prefix: c.slackBase })));
    if (input.telegramChatId && !c.telegramToken)
      out.push({
        path: 'body.telegramChatId',
        message: 'this server has no Telegram bot (TELEGRAM_BOT_TOKEN)',
      });
    return out;
  }

  /** Saves a change (check it with problems() first) and answers the settings as get() does. */
  async save(userId: string, input: ChannelSettingsInput): Promise<ChannelSettings> {
    const seal = (v: string | null | undefined, kind: 'discord' | 'slack') =>
      v ? this.sealer.seal(v, aad(userId, kind)) : v === null ? null : undefined;
    const values = {
      ...(input.email !== undefined ? { email: input.email } : {}),
      ...(input.discordWebhook !== undefined
        ? { discordWebhook: seal(input.discordWebhook, 'discord') }
        : {}),
      ...(input.slackWebhook !== undefined ? { slackWebhook: seal(input.slackWebhook, 'slack') } : {}),
      ...(input.telegramChatId !== undefined ? { telegramChatId: input.telegramChatId } : {}),
      updatedAt: new Date(),
    };
    await this.db
      .insert(notifySettings)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: notifySettings.userId, set: values });
    return this.get(userId);
  }

  /** The user's addresses with the webhooks opened; e-mail is on unless they turned it off. */
  async addresses(userId: string): Promise<UserAddresses> {
    const [s] = await this.db.select().from(notifySettings).where(eq(notifySettings.userId, userId));
    const open = (v: string | null | undefined, kind: 'discord' | 'slack') =>
      v ? this.sealer.open(v, aad(userId, kind)) : undefined;
    return {
      email: s?.email ?? true,
      discord: open(s?.discordWebhook, 'discord'),
      slack: open(s?.slackWebhook, 'slack'),
      telegram: s?.telegramChatId ?? undefined,
    };
  }
}
