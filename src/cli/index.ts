import { Command } from 'commander';
import { createYeyak } from '../app.ts';
import { registerRailCommands } from '../modules/rail/cli.ts';
import { registerUserCommands } from '../platform/auth/cli.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { DataDirLockedError, openDatabase } from '../platform/db.ts';
import { registerEventCommands } from '../platform/events/cli.ts';

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
    const db = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir }).catch(fail);
    try {
      await db.migrate();
      console.log(`migrations applied (${db.kind})`);
    } finally {
      await db.close();
    }
  });

registerUserCommands(program, config, fail);

const discord = program.command('discord').description('the registration Discord bot');
discord
  .command('register-commands')
  .description('register /event list|status|report with Discord (DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN)')
  .option('--guild <id>', 'register in one server only (instant; global commands can take a while)')
  .action(async (opts: { guild?: string }) => {
    const { registerCommands } = await import('../modules/registration/actions/discord.ts');
    const d = config().discord ?? {};
    if (!d.applicationId || !d.botToken)
      fail(new Error('set DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN to register commands'));
    const out = await registerCommands(d.applicationId, opts.guild, d.botToken, d.apiUrl).catch(fail);
    console.log(
      `registered ${out.map((c) => `/${c.name}`).join(', ')} ${opts.guild ? `in guild ${opts.guild}` : 'globally'}`,
    );
  });

registerRailCommands(program, fail);
registerEventCommands(program, config, fail);

program.parseAsync().catch(fail);
