import { z } from 'zod';
import { flag, url } from '../../platform/config.ts';
import { configSlice } from '../../platform/module.ts';

/** Rail module settings (RAIL_*, the Kakao skill key); tests shorten the intervals through overrides. */
export type RailConfig = {
  /** Key material for credentials at rest; derived from the server secret (HKDF) when unset. */
  secret?: string;
  pollMs: number;
  jitterMs: number;
  accountIntervalMs: number;
  egressPerMinute: number;
  /** Processes with the same id share one egress budget (they leave through one address). */
  egressId: string;
  /** After an operator blocks us, no request goes to it from this egress for this long. */
  blockPauseMinutes: number;
  stopBeforeMinutes: number;
  /** Minutes before a hold's payment deadline the reminder goes out (0: no reminder). */
  payReminderMinutes: number;
  /** Use the in-process stand-in operator ("sandbox"); default: on in demo mode without operator URLs. */
  sandbox: boolean;
  srtUrl?: string;
  korailUrl?: string;
  netfunnelUrl?: string;
  /** Kakao skill server: `?key=` the skill URL must carry (the Event API is config.notify.kakao). */
  kakao: { skillKey?: string };
  /**
   * The Telegram bot's incoming side (the token and API URL are config.notify's): with `webhookUrl`
   * Telegram posts updates there (setWebhook, checked by `webhookSecret`); without it the worker
   * long-polls getUpdates, waiting up to `pollSeconds` per request.
   */
  telegram: { webhookUrl?: string; webhookSecret?: string; pollSeconds: number; botUsername?: string };
};

declare module '../../platform/config.ts' {
  interface ModuleConfigs {
    rail: RailConfig;
  }
}

export const railConfig = configSlice(
  z.object({
    // rail (README "Rail"): the 1 s poll floor follows the operators' reported limits
    RAIL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    RAIL_POLL_MS: z.coerce
      .number()
      .int()
      .min(1000, 'at least 1000 (the polite floor)')
      .max(600_000)
      .default(3000),
    RAIL_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    RAIL_ACCOUNT_INTERVAL_MS: z.coerce.number().int().min(1000, 'at least 1000').max(60_000).default(1000),
    RAIL_EGRESS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(90),
    RAIL_EGRESS_ID: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" or "-" (at most 64)')
      .default('default'),
    RAIL_BLOCK_PAUSE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
    RAIL_STOP_BEFORE_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(10),
    RAIL_PAY_REMINDER_MINUTES: z.coerce.number().int().min(0).max(60).default(5),
    RAIL_SANDBOX: flag.optional(),
    RAIL_SRT_URL: url(['http:', 'https:']).optional(),
    RAIL_KORAIL_URL: url(['http:', 'https:']).optional(),
    RAIL_NETFUNNEL_URL: url(['http:', 'https:']).optional(),
    // The notification channels' variables (webhook bases, Telegram, the Kakao Event API) are the platform's.
    KAKAO_SKILL_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    TELEGRAM_WEBHOOK_URL: url(['https:', 'http:']).optional(),
    // Telegram allows 1-256 of A-Z, a-z, 0-9, _ and - in secret_token.
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, '16 to 256 letters, digits, "_" or "-"')
      .optional(),
    TELEGRAM_POLL_SECONDS: z.coerce.number().int().min(1).max(50).default(30),
    TELEGRAM_BOT_USERNAME: z
      .string()
      .regex(/^@?[A-Za-z0-9_]{5,32}$/, 'the bot\'s username (5 to 32 letters, digits or "_")')
      .optional(),
  }),
  (e, platform): { rail: RailConfig } => ({
    rail: {
      secret: e.RAIL_SECRET,
      pollMs: e.RAIL_POLL_MS,
      jitterMs: e.RAIL_JITTER_MS,
      accountIntervalMs: e.RAIL_ACCOUNT_INTERVAL_MS,
      egressPerMinute: e.RAIL_EGRESS_PER_MINUTE,
      egressId: e.RAIL_EGRESS_ID,
      blockPauseMinutes: e.RAIL_BLOCK_PAUSE_MINUTES,
      stopBeforeMinutes: e.RAIL_STOP_BEFORE_MINUTES,
      payReminderMinutes: e.RAIL_PAY_REMINDER_MINUTES,
      sandbox: e.RAIL_SANDBOX ?? (platform.demo && !e.RAIL_SRT_URL && !e.RAIL_KORAIL_URL),
      srtUrl: e.RAIL_SRT_URL,
      korailUrl: e.RAIL_KORAIL_URL,
      netfunnelUrl: e.RAIL_NETFUNNEL_URL,
      kakao: { skillKey: e.KAKAO_SKILL_KEY },
      telegram: {
        webhookUrl: e.TELEGRAM_WEBHOOK_URL,
        webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
        pollSeconds: e.TELEGRAM_POLL_SECONDS,
        botUsername: e.TELEGRAM_BOT_USERNAME?.replace(/^@/, ''),
      },
    },
  }),
);
