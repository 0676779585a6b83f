import { join } from 'node:path';
import type { Auth } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import type { App } from '../../platform/http/app.ts';
import { defineModule, type JobSpec, type ModuleInstance } from '../../platform/module.ts';
import { registerRailCommands } from './cli/index.ts';
import { railConfig } from './config.ts';
import { railNotifyConsumer } from './consumer.ts';
import { kakaoRoutes } from './kakao/routes.ts';
import { KakaoSkill } from './kakao/skill.ts';
import { paymentsJob } from './payments.ts';
import { pollJob } from './poll.ts';
import { railRoutes } from './routes.ts';
import { PollRuns, resumePolls, sweepJob } from './runs.ts';
import { type ProviderEndpoints, Rail } from './service.ts';
import { standbyJob } from './standby.ts';
import { TelegramBot } from './telegram/bot.ts';
import { telegramRoutes } from './telegram/routes.ts';
import { TelegramUpdates } from './telegram/updates.ts';

export type { TrainGroup } from './providers/types.ts';
export type { AccountView, RailReservationView, TrainView, WatchView } from './service.ts';
export { Rail };

declare module '../../platform/module.ts' {
  interface ModuleApis {
    rail: Rail;
  }
}

type Sandbox = { url: string; netfunnelUrl: string; close: () => Promise<void> };

/**
 * The rail module: the service, the shared-poll job, its safety sweep, the standby follow-up,
 * notifications, the Kakao skill, the Telegram bot and routes.
 * With `config.rail.sandbox` (demo mode by default) the stand-in operator runs in this process and
 * every answer is labelled "sandbox".
 */
export const rail = defineModule({
  name: 'rail',
  migrations: { folder: 'rail' },
  config: railConfig,
  cli: (program, { fail }) => registerRailCommands(program, fail),
  create: (ctx) => railInstance(ctx),
});

function railInstance(ctx: Context): ModuleInstance<Rail> {
  const rail = new Rail(ctx);
  const runs = new PollRuns(ctx);
  let sandbox: Sandbox | undefined;
  const jobs: JobSpec<never>[] = [
    pollJob(ctx, rail, runs, 'srt'),
    pollJob(ctx, rail, runs, 'korail'),
    sweepJob(ctx, runs, rail),
    standbyJob(rail),
    paymentsJob(rail),
  ];

  const kakao = new KakaoSkill(ctx, rail);
  const telegram = new TelegramBot(ctx, rail);
  const telegramUpdates = new TelegramUpdates(ctx, telegram);
  rail.telegram = telegram;
  rail.telegramUpdates = telegramUpdates;
  return {
    api: rail,
    jobs,
    consumers: [railNotifyConsumer(ctx, rail, kakao)],
    routes(app: App, auth: Auth) {
      railRoutes(app, ctx, auth, rail);
      kakaoRoutes(app, ctx, auth, kakao);
      telegramRoutes(app, ctx, auth, telegram);
    },
    /** Points the adapters at the operators, or at the in-process sandbox. */
    async start() {
      const c = ctx.config.rail;
      const endpoints: Partial<Record<'srt' | 'korail', ProviderEndpoints>> = {};
      if (c.sandbox) {
        const { startRailSim } = await import('../../../sims/rail/server.ts');
        // The stand-in keeps its state in the data folder: a restart continues its reservation
        // numbers and holds instead of giving out numbers yeyak already stores.
        const dir = ctx.config.dataDir;
        const sim = await startRailSim({
          cancellationRate: 2,
          // The demo's Korail member logs in without the app's anti-macro token.
          korailMacroCheck: false,
          stateFile: dir.startsWith('memory:') ? undefined : join(dir, 'rail-sandbox.json'),
        });
        sandbox = sim;
        rail.sandboxSim = sim;
        endpoints.srt = { baseUrl: sim.url, netfunnelUrl: sim.netfunnelUrl };
        endpoints.korail = { baseUrl: sim.url, netfunnelUrl: sim.netfunnelUrl };
        ctx.log.info({ url: sim.url }, 'rail: sandbox operator (stand-in) running');
      } else {
        if (c.srtUrl)
          endpoints.srt = { baseUrl: c.srtUrl, netfunnelUrl: c.netfunnelUrl ?? `${c.srtUrl}/ts.wseq` };
        if (c.korailUrl)
          endpoints.korail = {
            baseUrl: c.korailUrl,
            netfunnelUrl: c.netfunnelUrl ?? `${c.korailUrl}/ts.wseq`,
          };
      }
      rail.setEndpoints(endpoints, c.sandbox);
      await runs.start().catch((err) => ctx.log.warn({ err }, 'rail: could not register this process'));
      await resumePolls(ctx, runs, rail).catch((err) =>
        ctx.log.warn({ err }, 'rail: could not resume watches'),
      );
      await telegramUpdates.start();
    },
    /** Ends polls early; call before the job workers stop. */
    halt() {
      rail.halt();
      void telegramUpdates.stop();
    },
    async stop() {
      rail.halt();
      await telegramUpdates.stop();
      await runs.stop();
      await sandbox?.close();
      rail.sandboxSim = undefined;
      sandbox = undefined;
    },
  };
}
