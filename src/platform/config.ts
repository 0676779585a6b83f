import { z } from 'zod';
import type { ConfigSlice } from './module.ts';
import { allowListOf } from './net/outbound.ts';
import type { NotifyConfig } from './notify/config.ts';
import { type OAuthConfig, type OAuthEnv, oauthEnv, readOAuthConfig } from './oauth/config.ts';
import type { PushConfig } from './push/config.ts';

/** Parses "0"/"1"/"true"/"false" the way operators write flags in env files. */
export const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const url = (protocols: string[]) =>
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

export const minutes = z.coerce
  .number()
  .positive()
  .max(7 * 24 * 60);

/** The platform's environment variables; each module adds its own (its config.ts). */
const platformEnv = z.object({
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
  /** Unset: uploaded images are kept in the database; set: in this folder. */
  UPLOADS_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(16),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
  // notifications (src/platform/notify): the names rail gave them first
  RAIL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RAIL_DISCORD_WEBHOOK_BASE: url(['http:', 'https:']).default('https://discord.com/api/webhooks/'),
  RAIL_SLACK_WEBHOOK_BASE: url(['http:', 'https:']).default('https://hooks.slack.com/'),
  TELEGRAM_API_URL: url(['http:', 'https:']).default('https://api.telegram.org'),
  TELEGRAM_BOT_TOKEN: z.string().min(10).optional(),
  KAKAO_API_URL: url(['http:', 'https:']).default('https://bot-api.kakao.com'),
  KAKAO_BOT_ID: z.string().min(1).optional(),
  KAKAO_REST_API_KEY: z.string().min(10).optional(),
  KAKAO_EVENT_NAME: z.string().min(1).default('rail_notice'),
  // payments (src/platform/payments): Payletter's KR API v1.0
  PAYLETTER_URL: url(['http:', 'https:']).optional(),
  PAYLETTER_CLIENT_ID: z.string().min(1).max(100).optional(),
  PAYLETTER_PAYMENT_KEY: z.string().min(8).optional(),
  PAYLETTER_SEARCH_KEY: z.string().min(8).optional(),
  PAYLETTER_PGCODE: z
    .string()
    .regex(/^[a-z]{2,20}$/, 'a Payletter pgcode such as creditcard')
    .default('creditcard'),
  PAYLETTER_SERVICE_NAME: z.string().min(1).max(50).default('yeyak'),
  // push (src/platform/push): FCM HTTP v1 for the app, Web Push (VAPID) for browsers
  FCM_PROJECT_ID: z
    .string()
    .regex(/^[a-z][a-z0-9-]{3,61}[a-z0-9]$/, 'a Firebase project id (lower-case letters, digits, -)')
    .optional(),
  FCM_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  FCM_API_URL: url(['http:', 'https:']).default('https://fcm.googleapis.com'),
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'the base64url P-256 public key (87 characters)')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'the base64url P-256 private key (43 characters)')
    .optional(),
  VAPID_SUBJECT: url(['mailto:', 'https:']).optional(),
  PUSH_SIM_URL: url(['http:', 'https:']).optional(),
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
});

/** The platform's part of the configuration. */
export type PlatformConfig = {
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
  tokenDays: number;
  logLevel: z.infer<typeof platformEnv>['LOG_LEVEL'];
  /** Peers whose X-Forwarded-For names the client (reverse proxies). */
  trustProxy: string;
  /** Hosts (`host` or `host:port`) user-supplied URLs may reach although private (the stand-ins). */
  outboundAllow: string[];
  mailMaxAttempts: number;
  bodyLimit: number;
  /** Where uploaded images are kept (UPLOADS_DIR); unset: in the database. */
  uploadsDir?: string;
  /** Relay and consumer retry base delay; tests shorten it. */
  retryBaseMs: number;
  /** The notification channels (src/platform/notify). */
  notify: NotifyConfig;
  /** Payment gateways (src/platform/payments); keys are never logged or returned. */
  payments: { payletter: PayletterSettings };
  /** Push to the app (FCM) and to browsers (Web Push), src/platform/push. */
  push: PushConfig;
  /** Social login providers (src/platform/oauth). */
  oauth: OAuthConfig;
};

/** Payletter's settings; no url: the demo stand-in in demo mode, no gateway otherwise. */
export type PayletterSettings = {
  url?: string;
  clientId?: string;
  paymentKey?: string;
  searchKey?: string;
  pgcode: string;
  serviceName: string;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Each module's part of the configuration, by the module's own declaration
 * (`declare module '../../platform/config.ts' { interface ModuleConfigs { rail: RailConfig } }`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module's config.ts
export interface ModuleConfigs {}

export type Config = PlatformConfig & ModuleConfigs;

/**
 * Reads and validates the platform's and the given modules' variables from the environment;
 * throws ConfigError naming every bad variable. The composition root (src/config.ts) passes the
 * modules' slices.
 */
export function readConfig(
  slices: ConfigSlice[],
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Config> = {},
): Config {
  // Empty strings count as unset: `FOO= yeyak serve` should not fail on FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const schema = slices.reduce<z.ZodObject<z.ZodRawShape>>(
    (all, m) => all.extend(m.env.shape),
    platformEnv.extend(oauthEnv.shape),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data as z.infer<typeof platformEnv>;
  if (e.PAYLETTER_URL) {
    const missing = (
      ['PAYLETTER_CLIENT_ID', 'PAYLETTER_PAYMENT_KEY', 'PAYLETTER_SEARCH_KEY'] as const
    ).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required with PAYLETTER_URL`));
  }
  const demo = e.YEYAK_DEMO ?? !e.DATABASE_URL;
  const platform: PlatformConfig = {
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
    tokenDays: e.TOKEN_DAYS,
    logLevel: e.LOG_LEVEL,
    outboundAllow: allowListOf(e.YEYAK_OUTBOUND_ALLOW),
    trustProxy: e.TRUST_PROXY,
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    bodyLimit: e.BODY_LIMIT_BYTES,
    uploadsDir: e.UPLOADS_DIR,
    retryBaseMs: 1000,
    notify: {
      secret: e.RAIL_SECRET,
      discordBase: e.RAIL_DISCORD_WEBHOOK_BASE,
      slackBase: e.RAIL_SLACK_WEBHOOK_BASE,
      telegramApi: e.TELEGRAM_API_URL,
      telegramToken: e.TELEGRAM_BOT_TOKEN,
      kakao: {
        apiUrl: e.KAKAO_API_URL,
        botId: e.KAKAO_BOT_ID,
        restApiKey: e.KAKAO_REST_API_KEY,
        eventName: e.KAKAO_EVENT_NAME,
      },
    },
    payments: {
      payletter: {
        url: e.PAYLETTER_URL,
        clientId: e.PAYLETTER_CLIENT_ID,
        paymentKey: e.PAYLETTER_PAYMENT_KEY,
        searchKey: e.PAYLETTER_SEARCH_KEY,
        pgcode: e.PAYLETTER_PGCODE,
        serviceName: e.PAYLETTER_SERVICE_NAME,
      },
    },
    push: {
      fcm: {
        projectId: e.FCM_PROJECT_ID,
        serviceAccountFile: e.FCM_SERVICE_ACCOUNT_FILE,
        apiUrl: e.FCM_API_URL,
      },
      vapid:
        e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
          ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, subject: e.VAPID_SUBJECT }
          : undefined,
      simUrl: e.PUSH_SIM_URL,
      concurrency: e.PUSH_CONCURRENCY,
    },
    oauth: readOAuthConfig(parsed.data as unknown as OAuthEnv),
  };
  const modules = slices.map((m) => m.read(parsed.data as never, platform));
  return Object.assign(platform, ...modules, overrides) as Config;
}
