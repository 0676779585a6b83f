/** A whole yeyak pointed at the rail stand-in and the notification stand-in, with short intervals. */
import { type NotifySim, startNotifySim } from '../../sims/notify/server.ts';
import type { RailSim, RailSimOptions } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/config.ts';
import type { RailConfig } from '../../src/modules/rail/config.ts';
import { type Backend, login, startApp, type TestApp } from '../helpers.ts';
import { sim } from './setup.ts';

export type RailTestEnv = {
  t: TestApp;
  s: RailSim;
  n: NotifySim;
  stop: () => Promise<void>;
};

export async function railApp(
  backend: Backend,
  rail: Partial<RailConfig> = {},
  simOptions: RailSimOptions = {},
): Promise<RailTestEnv> {
  const s = await sim({ blockThreshold: 100_000, ...simOptions });
  const n = await startNotifySim();
  const t = await startApp(
    backend,
    {
      rail: {
        ...loadConfig({}).rail,
        sandbox: false,
        srtUrl: s.url,
        korailUrl: s.url,
        netfunnelUrl: s.netfunnelUrl,
        pollMs: 250,
        jitterMs: 50,
        accountIntervalMs: 0,
        egressPerMinute: 60_000,
        discordBase: `${n.url}/discord/`,
        slackBase: `${n.url}/slack/`,
        telegramApi: `${n.url}/telegram`,
        telegramToken: 'test-bot-token-1234',
        ...rail,
      },
    },
    { pollingIntervalSeconds: 0.5 },
  );
  return {
    t,
    s,
    n,
    stop: async () => {
      await t.stop();
      await n.close();
      await s.close();
    },
  };
}

export const SRT_MEMBER = { id: '1234567890', password: 'sim-password' };

/** A logged-in yeyak user with the sim's SRT member saved as their account. */
export async function railUser(env: RailTestEnv, member = SRT_MEMBER) {
  const u = await login(env.t);
  const res = await u.api.put('/api/rail/accounts/srt', member);
  if (res.status !== 200) throw new Error(`account: ${JSON.stringify(res.body)}`);
  return u;
}

/** PATCH with the user's token (the shared test client has no patch). */
export async function patch<T = Record<string, unknown>>(
  env: RailTestEnv,
  token: string,
  path: string,
  body: unknown,
) {
  const res = await fetch(env.t.url + path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: number; description: string; data?: T } };
}
