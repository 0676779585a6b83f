/**
 * `yeyak sim rail`, `yeyak rail search`, `yeyak rail watch`, `yeyak rail account add|list|remove`.
 * The rail commands talk to a running yeyak over its HTTP API (the same validation, watches that
 * live on in the server after the CLI exits if you want), so they need its address and a login:
 * --server (YEYAK_URL, default http://localhost:$PORT) and YEYAK_TOKEN, or --email/--password
 * (YEYAK_EMAIL/YEYAK_PASSWORD).
 */
import type { Command } from 'commander';
import { registerAccounts } from './accounts.ts';
import { t } from './lang.ts';
import { registerSearch } from './search.ts';
import { registerWatch } from './watch.ts';

export function registerRailCommands(program: Command, fail: (err: unknown) => never) {
  // The platform made `yeyak sim` for its own stand-ins; rail's joins them.
  const simCmd =
    program.commands.find((c) => c.name() === 'sim') ??
    program.command('sim').description('stand-ins for outside services');
  simCmd
    .command('rail')
    .description('run the SRT/Korail stand-in operator alone (prints its URL)')
    .option('--port <n>', 'port', process.env.RAIL_SIM_PORT ?? '8790')
    .option('--host <host>', 'address', process.env.RAIL_SIM_HOST ?? '127.0.0.1')
    .option('--seed <n>', 'timetable seed')
    .option('--cancellation-rate <n>', 'seats per minute freed on sold-out classes', '2')
    .option('--block-threshold <n>', 'requests per minute before an IP block', '100')
    .action(
      async (o: {
        port: string;
        host: string;
        seed?: string;
        cancellationRate: string;
        blockThreshold: string;
      }) => {
        const { startRailSim, DEFAULT_USERS } = await import('../../../../sims/rail/server.ts');
        const sim = await startRailSim({
          port: Number(o.port),
          host: o.host,
          seed: o.seed ? Number(o.seed) : undefined,
          cancellationRate: Number(o.cancellationRate),
          blockThreshold: Number(o.blockThreshold),
        }).catch(fail);
        console.log(sim.url);
        console.error(
          `rail sim: SRT + Korail at ${sim.url} (NetFunnel ${sim.netfunnelUrl}); members ${DEFAULT_USERS.map((u) => u.memberNo).join(', ')}, password ${DEFAULT_USERS[0].password} (first). ` +
            `Point yeyak at it: RAIL_SRT_URL=${sim.url} RAIL_KORAIL_URL=${sim.url}`,
        );
        const stop = () => void sim.close().then(() => process.exit(0));
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );

  const rail = program
    .command('rail')
    .description(
      t(
        'KTX/SRT 조회와 감시 (실행 중인 yeyak에 연결)',
        'KTX/SRT search and watches (talks to a running yeyak)',
      ),
    );

  registerSearch(rail, fail);
  registerWatch(rail, fail);
  registerAccounts(rail, fail);
}
