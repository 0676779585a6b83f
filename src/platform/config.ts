import { z } from 'zod';

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
  YEYAK_DEMO: flag.default(true),
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(256 * 1024),
});

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
  mailMaxAttempts: number;
  bodyLimit: number;
  /** Relay and consumer retry base delay; tests shorten it. */
  retryBaseMs: number;
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
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.YEYAK_DATA,
    demo: e.YEYAK_DEMO,
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
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    bodyLimit: e.BODY_LIMIT_BYTES,
    retryBaseMs: 1000,
    ...overrides,
  };
}
