import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database, Tx } from './db.ts';
import type { OutboxRelay } from './events/relay.ts';
import type { Broker } from './events/types.ts';
import type { Jobs } from './jobs.ts';
import type { Ledger } from './ledger/index.ts';
import type { Mailbox } from './mail/mailbox.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Notify } from './notify/index.ts';
import type { Payments } from './payments/index.ts';
import type { Push } from './push/index.ts';
import type { ServerLog } from './serverlog/index.ts';
import type { RuntimeSettings } from './settings/index.ts';
import type { Uploads } from './uploads/index.ts';

/** What every module gets from the platform. */
export type Context = {
  config: Config;
  log: Logger;
  /** Whether this process runs jobs and consumers (`serve` by default, `worker`); loops that take work from outside start only here. */
  workers: boolean;
  database: Database;
  jobs: Jobs;
  broker: Broker;
  relay: OutboxRelay;
  mailer: Mailer;
  mailbox: Mailbox;
  /** Notifications on the user's channels, once per event and channel (src/platform/notify). */
  notify: Notify;
  /** Push to the user's app (FCM) and browsers (Web Push); `push.marketing()` for campaigns. */
  push: Push;
  /** The points ledger: wallets, transfers, holds (src/platform/ledger). */
  ledger: Ledger;
  /** Uploaded images: `ownedBy()` tells which of some file ids a user uploaded (src/platform/uploads). */
  uploads: Uploads;
  /** What admins see at /api/admin/log: 5xx answers, failed jobs, dead letters, admin actions. */
  serverLog: ServerLog;
  /** Signing secret for QR tokens and the like (never logged, never returned). */
  secret: string;
  /** Values admins change while yeyak runs (declared by each module; see settings/spec.ts). */
  settings: RuntimeSettings;
  /**
   * This server's own base URL as reached from this machine (after listen: the bound port; before:
   * PUBLIC_URL). Demo-mode adapters call their stand-in under `${selfUrl()}/sim/<name>` with it.
   */
  selfUrl: () => string;
  /**
   * Payments: `register({ name })` a purpose, `create({ userId, purpose, ref, amount, productName,
   * device })` → `{ orderId, redirectUrl }`; act on the `payment.paid` / `payment.refunded` events.
   */
  payments: Payments;
  /** Runs fn in one transaction; once it commits, the outbox relay is nudged. */
  tx: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
};
