import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database, Tx } from './db.ts';
import type { OutboxRelay } from './events/relay.ts';
import type { Broker } from './events/types.ts';
import type { Jobs } from './jobs.ts';
import type { Mailbox } from './mail/mailbox.ts';
import type { Mailer } from './mail/mailer.ts';

/** What every module gets from the platform. */
export type Context = {
  config: Config;
  log: Logger;
  database: Database;
  jobs: Jobs;
  broker: Broker;
  relay: OutboxRelay;
  mailer: Mailer;
  mailbox: Mailbox;
  /** Signing secret for QR tokens and the like (never logged, never returned). */
  secret: string;
  /** Runs fn in one transaction; once it commits, the outbox relay is nudged. */
  tx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
};
