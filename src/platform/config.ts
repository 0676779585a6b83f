import { z } from 'zod';
import { allowListOf } from './net/outbound.ts';

/** Parses "0"/"1"/"true"/"false" the way operators write flags in env files. */
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const minutes = z.coerce
  .number()
  .positive()
  .max(7 * 24 * 60);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  YEYAK_DATA: z.string().min(1).default('./data'),
  // Unset: on with the embedded database, off with DATABASE_URL (a deployment never starts as a demo by accident).
  YEYAK_DEMO: flag.optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  AMQP_URL: url(['amqp:', 'amqps:']).optional(),
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,40}$/, 'lower-case letters, digits, . _ -')
    .default('yeyak'),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('yeyak <no-reply@yeyak.local>'),
  PUBLIC_URL: z.string().url().optional(),
  YEYAK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HOLD_MINUTES: minutes.default(20),
  WAITLIST_OFFER_MINUTES: minutes.default(60),
  TOKEN_DAYS: z.coerce.number().positive().max(365).default(30),
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/,\s-]+$/, 'addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated')
    .default('loopback,linklocal,uniquelocal'),
  YEYAK_OUTBOUND_ALLOW: z
    .string()
    .regex(
      /^\s*(\[[0-9a-fA-F:.]+\]|[\w.-]+)(:\d{1,5})?\s*(,\s*(\[[0-9a-fA-F:.]+\]|[\w.-]+)(:\d{1,5})?\s*)*$/,
      'a comma-separated list of host or host:port (IPv6 in brackets)',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(16),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
  REGISTRATION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{1,25}$/, 'must be a numeric id')
    .optional(),
  DISCORD_BOT_TOKEN: z.string().min(10).optional(),
  DISCORD_API_URL: url(['http:', 'https:']).optional(),
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
  RAIL_SANDBOX: flag.optional(),
  RAIL_SRT_URL: url(['http:', 'https:']).optional(),
  RAIL_KORAIL_URL: url(['http:', 'https:']).optional(),
  RAIL_NETFUNNEL_URL: url(['http:', 'https:']).optional(),
  RAIL_DISCORD_WEBHOOK_BASE: url(['http:', 'https:']).default('https://discord.com/api/webhooks/'),
  RAIL_SLACK_WEBHOOK_BASE: url(['http:', 'https:']).default('https://hooks.slack.com/'),
  TELEGRAM_API_URL: url(['http:', 'https:']).default('https://api.telegram.org'),
  TELEGRAM_BOT_TOKEN: z.string().min(10).optional(),
  KAKAO_SKILL_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  KAKAO_API_URL: url(['http:', 'https:']).default('https://bot-api.kakao.com'),
  KAKAO_BOT_ID: z.string().min(1).optional(),
  KAKAO_REST_API_KEY: z.string().min(10).optional(),
  KAKAO_EVENT_NAME: z.string().min(1).default('rail_notice'),
});

/** Rail module settings (RAIL_*, notification adapters); tests shorten the intervals through overrides. */
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
  /** Use the in-process stand-in operator ("sandbox"); default: on in demo mode without operator URLs. */
  sandbox: boolean;
  srtUrl?: string;
  korailUrl?: string;
  netfunnelUrl?: string;
  discordBase: string;
  slackBase: string;
  telegramApi: string;
  telegramToken?: string;
  /** Kakao skill server: `?key=` the skill URL must carry; Event API for notifications. */
  kakao: { skillKey?: string; apiUrl: string; botId?: string; restApiKey?: string; eventName: string };
};

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  demo: boolean;
  databaseUrl?: string;
  amqpUrl?: string;
  amqpNamespace: string;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  secret?: string;
  holdMinutes: number;
  waitlistOfferMinutes: number;
  tokenDays: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Peers whose X-Forwarded-For names the client (reverse proxies). */
  trustProxy: string;
  /** Hosts (`host` or `host:port`) user-supplied URLs may reach although private (the stand-ins). */
  outboundAllow: string[];
  mailMaxAttempts: number;
  bodyLimit: number;
  /** Relay and consumer retry base delay; tests shorten it. */
  retryBaseMs: number;
  /** Registration: key for sealing connection secrets and pseudonyms (derived from `secret` when unset). */
  registrationSecret?: string;
  /** Registration: the Discord application (interactions endpoint and command registration). */
  discord?: { publicKey?: string; applicationId?: string; botToken?: string; apiUrl?: string };
  /** Registration: gap between KKTIX requests (default 100 ms); tests shorten it. */
  registrationKktixIntervalMs?: number;
  rail: RailConfig;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates configuration from the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  // Empty strings count as unset: `FOO= yeyak serve` should not fail on FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const demo = e.YEYAK_DEMO ?? !e.DATABASE_URL;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.YEYAK_DATA,
    demo,
    databaseUrl: e.DATABASE_URL,
    amqpUrl: e.AMQP_URL,
    amqpNamespace: e.AMQP_NAMESPACE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    secret: e.YEYAK_SECRET,
    holdMinutes: e.HOLD_MINUTES,
    waitlistOfferMinutes: e.WAITLIST_OFFER_MINUTES,
    tokenDays: e.TOKEN_DAYS,
    logLevel: e.LOG_LEVEL,
    outboundAllow: allowListOf(e.YEYAK_OUTBOUND_ALLOW),
    trustProxy: e.TRUST_PROXY,
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    bodyLimit: e.BODY_LIMIT_BYTES,
    retryBaseMs: 1000,
    registrationSecret: e.REGISTRATION_SECRET,
    discord: {
      publicKey: e.DISCORD_PUBLIC_KEY,
      applicationId: e.DISCORD_APPLICATION_ID,
      botToken: e.DISCORD_BOT_TOKEN,
      apiUrl: e.DISCORD_API_URL,
    },
    rail: {
      secret: e.RAIL_SECRET,
      pollMs: e.RAIL_POLL_MS,
      jitterMs: e.RAIL_JITTER_MS,
      accountIntervalMs: e.RAIL_ACCOUNT_INTERVAL_MS,
      egressPerMinute: e.RAIL_EGRESS_PER_MINUTE,
      egressId: e.RAIL_EGRESS_ID,
      blockPauseMinutes: e.RAIL_BLOCK_PAUSE_MINUTES,
      stopBeforeMinutes: e.RAIL_STOP_BEFORE_MINUTES,
      sandbox: e.RAIL_SANDBOX ?? (demo && !e.RAIL_SRT_URL && !e.RAIL_KORAIL_URL),
      srtUrl: e.RAIL_SRT_URL,
      korailUrl: e.RAIL_KORAIL_URL,
      netfunnelUrl: e.RAIL_NETFUNNEL_URL,
      discordBase: e.RAIL_DISCORD_WEBHOOK_BASE,
      slackBase: e.RAIL_SLACK_WEBHOOK_BASE,
      telegramApi: e.TELEGRAM_API_URL,
      telegramToken: e.TELEGRAM_BOT_TOKEN,
      kakao: {
        skillKey: e.KAKAO_SKILL_KEY,
        apiUrl: e.KAKAO_API_URL,
        botId: e.KAKAO_BOT_ID,
        restApiKey: e.KAKAO_REST_API_KEY,
        eventName: e.KAKAO_EVENT_NAME,
      },
    },
    ...overrides,
  };
}
