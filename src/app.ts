import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { standInPath, standIns } from '../sims/standins.ts';
import { type AnyModule, modules as allModules } from './modules.ts';
import { Accounts } from './platform/auth/account.ts';
import { accountRoutes } from './platform/auth/account-routes.ts';
import { adminUserRoutes } from './platform/auth/admin-routes.ts';
import { LocalAdmin } from './platform/auth/local-admin.ts';
import { authRoutes } from './platform/auth/routes.ts';
import { Auth } from './platform/auth/service.ts';
import type { Config } from './platform/config.ts';
import { registerConstraints } from './platform/constraints.ts';
import type { Context } from './platform/context.ts';
import { loadSecret, Sealer } from './platform/crypto.ts';
import { moduleMigrations, openDatabase } from './platform/db.ts';
import { publicDemoAccounts, seedDemoPeople } from './platform/demo.ts';
import { AmqpBroker } from './platform/events/amqp.ts';
import { recordDead } from './platform/events/dead.ts';
import { LocalBroker } from './platform/events/local.ts';
import { handBackClaims } from './platform/events/outbox.ts';
import { OutboxRelay } from './platform/events/relay.ts';
import { deadLetterRoutes } from './platform/events/routes.ts';
import { setTopicAliases } from './platform/events/topics.ts';
import type { Broker, Consumer, OnDead } from './platform/events/types.ts';
import { type App, createHttp, envelope } from './platform/http/app.ts';
import { routeRateLimits } from './platform/http/route-limits.ts';
import { Jobs } from './platform/jobs.ts';
import { Ledger } from './platform/ledger/index.ts';
import { logSafeError, scrubQueryParams } from './platform/log.ts';
import { Mailbox } from './platform/mail/mailbox.ts';
import { Mailer } from './platform/mail/mailer.ts';
import { mailboxRoutes } from './platform/mail/routes.ts';
import { watchDatabase } from './platform/metrics.ts';
import { metricsRoutes } from './platform/metrics-route.ts';
import type { ModuleApis, ModuleInstance } from './platform/module.ts';
import { setOutboundPolicy } from './platform/net/outbound.ts';
import { Notify } from './platform/notify/index.ts';
import { notificationRoutes } from './platform/notify/routes.ts';
import { socialLogin } from './platform/oauth/index.ts';
import { gatewayFromConfig } from './platform/payments/gateways.ts';
import { Payments } from './platform/payments/index.ts';
import { paymentRoutes } from './platform/payments/routes.ts';
import { Push } from './platform/push/index.ts';
import { pushRoutes } from './platform/push/routes.ts';
import { rateLimiter } from './platform/ratelimit.ts';
import { retentionDays, ServerLog, safeErrorText } from './platform/serverlog/index.ts';
import { serverLogRoutes } from './platform/serverlog/routes.ts';
import { RuntimeSettings } from './platform/settings/index.ts';
import { settingsRoutes } from './platform/settings/routes.ts';
import { platformSettings } from './platform/settings/site.ts';
import { Uploads } from './platform/uploads/index.ts';
import { uploadRoutes } from './platform/uploads/routes.ts';

export type YeyakOptions = {
  /** Run event consumers and jobs in this process (serve does by default; `worker` only does this). */
  workers?: boolean;
  /** Serve HTTP (false for `worker`). */
  http?: boolean;
  /** Serve the built web app from web/dist. */
  serveWeb?: boolean;
  logger?: Logger;
  /** Job polling interval; tests shorten it. */
  pollingIntervalSeconds?: number;
  /** How often runtime settings are reloaded from the database (default 2 s). */
  settingsRefreshMs?: number;
  /** How long shutdown waits for running event deliveries before handing them back (default 10 s). */
  drainMs?: number;
  /** The modules to run (default: all of src/modules.ts); tests run one module, or add one. */
  modules?: AnyModule[];
};

export type Yeyak = Awaited<ReturnType<typeof createYeyak>>;

export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    // A failed statement is logged as SQL text, SQLSTATE and constraint only (see dbErrorForLog).
    serializers: { err: logSafeError },
    formatters: { log: scrubQueryParams },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.password',
        'password',
        '*.token',
        'token',
        '*.secret',
        'config.secret',
        'config.databaseUrl',
        'config.amqpUrl',
        'config.smtpUrl',
        'config.payments.payletter.paymentKey',
        'config.payments.payletter.searchKey',
        '*.paymentKey',
        '*.searchKey',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Builds the whole service from configuration: the platform (database, jobs, events, mail, auth),
 * then every module of src/modules.ts in order, then HTTP.
 */
export async function createYeyak(config: Config, opts: YeyakOptions = {}) {
  const log = opts.logger ?? createLogger(config.logLevel);
  const modules = opts.modules ?? allModules;
  for (const m of modules) {
    setTopicAliases(m.topicAliases ?? {});
    registerConstraints(m.constraints ?? {});
  }
  // Every fetch of a user-supplied URL goes through src/platform/net/outbound.ts with this list.
  setOutboundPolicy({ allow: config.outboundAllow });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrationSets: moduleMigrations(modules),
  });
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  const secret = loadSecret(config.secret, config.dataDir);
  const settings = new RuntimeSettings(database, config, secret, log, opts.settingsRefreshMs);
  settings.declare(platformSettings);
  for (const m of modules) settings.declare(m.settings ?? []);
  await settings.load();
  const jobs = new Jobs(database, log);
  watchDatabase(database);
  const serverLog = new ServerLog(database, log, () => settings.get(retentionDays));
  // Admin changes leave a row: which keys, never the values (a secret may be among them).
  settings.onChange = (actorId, keys) =>
    serverLog.write({
      level: 'info',
      source: 'admin',
      message: `settings changed: ${keys.join(', ')}`,
      data: { keys },
      actorId,
    });
  jobs.onFailed = (name, id, error) =>
    void serverLog.write({
      level: 'error',
      source: 'jobs',
      message: `job ${name} failed: ${safeErrorText(error)}`,
      data: { job: name, id },
    });
  const consumers: Consumer[] = [];
  const onDead: OnDead = async (consumer, event, error) => {
    await recordDead(database, consumer, event, error);
    await serverLog.write({
      level: 'error',
      source: 'events',
      message: `event ${event.topic} dead-lettered in ${consumer}: ${safeErrorText(error)}`,
      data: { consumer, eventId: event.id, topic: event.topic },
    });
  };
  const broker: Broker = config.amqpUrl
    ? new AmqpBroker(
        {
          url: config.amqpUrl,
          namespace: config.amqpNamespace,
          maxAttempts: config.mailMaxAttempts,
          retryBaseMs: config.retryBaseMs,
          onDead,
        },
        log,
      )
    : new LocalBroker(jobs, config.mailMaxAttempts, config.retryBaseMs, log, onDead);
  const relay = new OutboxRelay(database, broker, log);
  const mailer = new Mailer(database, config.mailFrom, config.smtpUrl);
  let selfUrl = config.publicUrl;
  const tx: Context['tx'] = async (fn) => {
    const result = await database.db.transaction(fn);
    relay.nudge();
    return result;
  };
  const push = new Push({ config, database, jobs, log, mailer, tx, selfUrl: () => selfUrl });
  const ctx: Context = {
    config,
    log,
    workers: opts.workers !== false,
    database,
    jobs,
    broker,
    relay,
    mailer,
    mailbox: new Mailbox(database),
    notify: new Notify({
      database,
      mailer,
      config: config.notify,
      // The key rail sealed the channel settings with before they moved here, so they still open.
      sealer: new Sealer(config.notify.secret ?? secret, 'rail credentials v1'),
      push,
    }),
    push,
    ledger: new Ledger(database),
    // Uploaded images; each module says where it refers to them (checked as it is made).
    uploads: new Uploads(database, log, config.uploadsDir),
    serverLog,
    secret,
    settings,
    selfUrl: () => selfUrl,
    payments: new Payments({
      database,
      log,
      serverLog,
      tx,
      gateway: gatewayFromConfig(config, () => selfUrl),
      publicUrl: () => config.publicUrl,
    }),
    tx,
  };

  const auth = new Auth(ctx);
  const accounts = new Accounts(ctx, auth);
  const social = socialLogin(ctx, auth);
  for (const job of [...ctx.ledger.jobs(), ...serverLog.jobs(), ...push.jobs()])
    jobs.define(job.name, job.handler, job.options);
  const uploads = ctx.uploads;
  // The modules, in list order; each may use the APIs of those before it.
  const apis: Partial<ModuleApis> = {};
  const running: ModuleInstance<unknown>[] = [];
  try {
    await social.check();
    for (const m of modules) {
      const instance: ModuleInstance<unknown> = m.create(ctx, apis);
      (apis as Record<string, unknown>)[m.name] = instance.api;
      running.push(instance);
      uploads.refer(m.fileColumns, instance.referencedFiles);
      for (const job of instance.jobs ?? []) jobs.define(job.name, job.handler, job.options);
    }
  } catch (err) {
    await mailer.close();
    await database.close();
    throw err;
  }
  // The daily sweep of uploaded images nothing refers to (after a day to get attached).
  jobs.define('files.sweep', async () => void (await uploads.sweep()), { cron: '17 3 * * *' });
  consumers.push(
    auth.consumer(),
    accounts.consumer(),
    push.consumer(),
    social.consumer,
    ...running.flatMap((m) => m.consumers ?? []),
  );
  broker.register(consumers);

  const localAdmin = new LocalAdmin();
  let app: App | undefined;
  if (opts.http !== false) {
    app = await createHttp({
      logger: log,
      bodyLimit: config.bodyLimit,
      serveWeb: opts.serveWeb ?? false,
      trustProxy: config.trustProxy,
      publicUrl: config.publicUrl,
      onServerError: (a) =>
        void serverLog.write({
          level: 'error',
          source: 'http',
          message: `${a.method} ${a.route} answered ${a.status}${a.error ? `: ${safeErrorText(a.error)}` : ''}`,
          data: { method: a.method, route: a.route, status: a.status },
          requestId: a.requestId,
        }),
    });
    // Before any route, so every route's declared `config.rateLimit` is counted.
    routeRateLimits(app, auth, rateLimiter(database));
    app.get(
      '/health',
      { schema: { tags: ['platform'], summary: 'Database and broker state' } },
      async (_req, reply) => {
        let dbState = 'ok';
        try {
          await database.db.execute(sql`select 1`);
        } catch {
          dbState = 'down';
        }
        const brokerState =
          broker.kind === 'in-process' ? 'ok' : broker.connected() ? 'connected' : 'disconnected';
        const data = {
          database: { kind: database.kind, state: dbState },
          broker: { kind: broker.kind, state: brokerState, relay: relay.lastError ? 'retrying' : 'ok' },
          mail: { kind: mailer.kind },
          demo: config.demo,
          // The web offers one-click logins for these (demo mode only; their password is published).
          demoAccounts: publicDemoAccounts(ctx),
        };
        return envelope(
          reply,
          dbState === 'ok' ? 200 : 503,
          dbState === 'ok' ? 'healthy' : 'database unavailable',
          data,
        );
      },
    );
    authRoutes(app, ctx, auth);
    accountRoutes(app, auth, accounts);
    social.routes(app);
    adminUserRoutes(app, ctx, auth, localAdmin);
    mailboxRoutes(app, ctx, auth);
    deadLetterRoutes(app, ctx, auth);
    settingsRoutes(app, auth, settings);
    serverLogRoutes(app, ctx, auth);
    notificationRoutes(app, auth, ctx.notify);
    metricsRoutes(app, settings);
    uploadRoutes(app, auth, uploads, rateLimiter(database));
    paymentRoutes(app, ctx, auth, ctx.payments, rateLimiter(database));
    pushRoutes(app, auth, push, rateLimiter(database));
    for (const m of running) m.routes?.(app, auth);
    // Demo mode: the outside services' stand-ins answer inside yeyak (sims/standins.ts).
    if (config.demo) for (const s of standIns) await app.register(s.plugin, { prefix: standInPath(s.name) });
  }

  return {
    ctx,
    auth,
    /** Social sign-in (src/platform/oauth). */
    social,
    /** The event consumers this process registered (tests remove their RabbitMQ queues by name). */
    consumers: consumers as readonly Consumer[],
    uploads,
    ...(apis as ModuleApis),
    app,
    async start() {
      settings.start();
      await jobs.start();
      for (const m of running) await m.start?.();
      if (opts.workers !== false) {
        await jobs.startWorkers(opts.pollingIntervalSeconds ?? 0.5);
        await broker.consume();
      }
      relay.start();
      if (config.demo) {
        const people = await seedDemoPeople(ctx, auth);
        if (people) for (const m of running) await m.demo?.(people);
      }
      if (app) await app.ready();
    },
    async listen() {
      if (!app) throw new Error('no HTTP in this process');
      const address = await app.listen({ port: config.port, host: config.host });
      const bound = (app.server.address() as AddressInfo).port;
      selfUrl = `http://127.0.0.1:${bound}`;
      // The CLI cannot open the embedded database this process holds: it comes through the admin API.
      if (database.kind === 'pglite' && !config.dataDir.startsWith('memory://')) {
        localAdmin.write(config.dataDir, bound);
      }
      return address;
    },
    async stop() {
      localAdmin.remove();
      settings.stop();
      // Each step stops work before what it needs goes away: no new requests, no new publishing, no
      // new deliveries (running ones finish), then the job queue, and the database last.
      if (app) await app.close();
      await relay.stop();
      await broker.drain(opts.drainMs ?? 10_000);
      // What did not finish in the wait goes back at once, for another worker to take now.
      const handedBack = await handBackClaims(database);
      if (handedBack) log.warn({ handedBack }, 'event deliveries handed back at shutdown');
      for (const m of running) m.halt?.();
      await jobs.stop();
      for (const m of [...running].reverse()) await m.stop?.();
      await broker.close();
      await mailer.close();
      await database.close();
    },
  };
}
