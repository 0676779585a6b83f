import { Command } from 'commander';
import { standIns, startStandIn } from '../../sims/standins.ts';
import { createYeyak } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { modules } from '../modules.ts';
import { registerUserCommands } from '../platform/auth/cli.ts';
import { DataDirLockedError, moduleMigrations, openDatabase } from '../platform/db.ts';
import { registerEventCommands } from '../platform/events/cli.ts';
import { registerLedgerCommands } from '../platform/ledger/cli.ts';

function config() {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`yeyak: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

function fail(err: unknown): never {
  if (err instanceof DataDirLockedError) console.error(`yeyak: ${err.message}`);
  else console.error('yeyak:', (err as Error).message ?? err);
  process.exit(1);
}

/**
 * Stops cleanly on Ctrl-C or SIGTERM. Installed before start-up, so a signal during start-up waits
 * for it and then stops (instead of killing the process half-open).
 */
function onSignal(started: Promise<{ stop: () => Promise<void> }>) {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(1);
    stopping = true;
    started
      .then((y) => y.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const program = new Command()
  .name('yeyak')
  .description('yeyak (예약): reservations and booking automation')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP server (with event consumers and jobs unless --no-workers)')
  .option('--no-workers', 'serve HTTP only; run `yeyak worker` elsewhere')
  .action(async (opts: { workers: boolean }) => {
    const cfg = config();
    const creating = createYeyak(cfg, { workers: opts.workers, serveWeb: true });
    let ready!: (y: Awaited<typeof creating>) => void;
    onSignal(new Promise((r) => (ready = r)));
    const y = await creating.catch(fail);
    await y.start().catch(fail);
    await y.listen().catch(fail);
    ready(y);
    y.ctx.log.info(
      {
        url: `http://localhost:${cfg.port}`,
        database: y.ctx.database.kind,
        broker: y.ctx.broker.kind,
        mail: y.ctx.mailer.kind,
        demo: cfg.demo,
      },
      'yeyak is serving',
    );
  });

program
  .command('worker')
  .description('run event consumers and jobs only (for scale-out on PostgreSQL)')
  .action(async () => {
    const cfg = config();
    const creating = createYeyak(cfg, { http: false, workers: true });
    let ready!: (y: Awaited<typeof creating>) => void;
    onSignal(new Promise((r) => (ready = r)));
    const y = await creating.catch(fail);
    await y.start().catch(fail);
    ready(y);
    y.ctx.log.info({ database: y.ctx.database.kind, broker: y.ctx.broker.kind }, 'yeyak worker running');
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const cfg = config();
    const db = await openDatabase({
      databaseUrl: cfg.databaseUrl,
      dataDir: cfg.dataDir,
      migrationSets: moduleMigrations(modules),
    }).catch(fail);
    try {
      await db.migrate();
      console.log(`migrations applied (${db.kind})`);
    } finally {
      await db.close();
    }
  });

// Stand-ins for outside services (sims/standins.ts); modules add their own (`yeyak sim rail`).
const simCommand = program.command('sim').description('stand-ins for outside services, run alone');
for (const s of standIns) {
  simCommand
    .command(s.name)
    .description(s.description)
    .option('--port <port>', 'port to listen on', '4100')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: string; host: string }) => {
      const sim = await startStandIn(s.name, Number(opts.port), opts.host).catch(fail);
      console.log(`stand-in ${s.name} at ${sim.url}`);
    });
}

registerUserCommands(program, config, fail);

for (const m of modules) m.cli?.(program, { config, fail });
registerEventCommands(program, config, fail);
registerLedgerCommands(program, config, fail);

program.parseAsync().catch(fail);
