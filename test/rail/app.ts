/** A whole yeyak pointed at the rail stand-in and the notification stand-in, with short intervals. */
import { expect } from 'vitest';
import { type NotifySim, startNotifySim } from '../../sims/notify/server.ts';
import type { RailSim, RailSimOptions } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/config.ts';
import type { RailConfig } from '../../src/modules/rail/config.ts';
import type { ProviderName } from '../../src/modules/rail/providers/types.ts';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import type { NotifyConfig } from '../../src/platform/notify/config.ts';
import { type Backend, type client, eventually, login, startApp, type TestApp } from '../helpers.ts';
import { sim } from './setup.ts';

/** yeyak's rail settings with both operators (and NetFunnel) at the stand-in, the sandbox off. */
export function simRail(s: RailSim, extra: Partial<RailConfig> = {}): RailConfig {
  return {
    ...loadConfig({}).rail,
    sandbox: false,
    srtUrl: s.url,
    korailUrl: s.url,
    netfunnelUrl: s.netfunnelUrl,
    ...extra,
  };
}

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
  notify: Partial<NotifyConfig> = {},
): Promise<RailTestEnv> {
  // These tests log in to Korail: the stand-in's anti-macro check (on by default) is turned off.
  const s = await sim({ blockThreshold: 100_000, korailMacroCheck: false, ...simOptions });
  const n = await startNotifySim();
  const t = await startApp(
    backend,
    {
      rail: {
        ...simRail(s),
        pollMs: 250,
        jitterMs: 50,
        accountIntervalMs: 0,
        egressPerMinute: 60_000,
        ...rail,
      },
      notify: {
        ...loadConfig({}).notify,
        discordBase: `${n.url}/discord/`,
        slackBase: `${n.url}/slack/`,
        telegramApi: `${n.url}/telegram`,
        telegramToken: 'test-bot-token-1234',
        ...notify,
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
export async function railUser(env: Pick<RailTestEnv, 't'>, member = SRT_MEMBER) {
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

type Api = ReturnType<typeof client>;

/** The trains one search finds (SRT 수서 → 부산 unless told). */
export async function searchTrains(
  api: Api,
  q: { date: string; time: string; provider?: ProviderName; from?: string; to?: string },
): Promise<TrainView[]> {
  const res = await api.post<{ trains: TrainView[] }>('/api/rail/search', {
    provider: 'srt',
    from: '수서',
    to: '부산',
    ...q,
  });
  return res.body.data?.trains ?? [];
}

/** Starts a watch on one train (SRT 수서 → 부산, one adult unless told); the API's answer. */
export function watchTrain<T = { watch: WatchView }>(
  api: Api,
  body: { date: string; trainNo: string } & Record<string, unknown>,
) {
  return api.post<T>('/api/rail/watches', {
    provider: 'srt',
    from: '수서',
    to: '부산',
    passengers: { adult: 1 },
    ...body,
  });
}

export const getWatch = async (api: Api, id: string) =>
  (await api.get<{ watch: WatchView }>(`/api/rail/watches/${id}`)).body.data?.watch as WatchView;

/** The watch as soon as `ready` holds for it. */
export const watchWhen = (api: Api, id: string, ready: (w: WatchView) => boolean, timeoutMs?: number) =>
  eventually(async () => {
    const w = await getWatch(api, id);
    return w && ready(w) ? w : undefined;
  }, timeoutMs);

/** Hands out `trains` from the last one, each made sold out in both classes, so tests do not share one. */
export function soldOutTrains(s: RailSim, date: string, trains: TrainView[]): () => TrainView {
  let next = 1;
  return () => {
    const t = trains[trains.length - next++];
    s.seedSoldOut('srt', date, Number(t.trainNo));
    return t;
  };
}

/**
 * A watch by a party of two on a train with exactly one seat free (sold out, then one seat freed at
 * the stand-in): the watch's id.
 */
export async function watchOneSeatForTwo(
  s: RailSim,
  api: Api,
  q: { provider: ProviderName; from: string; to: string; date: string; trainNo: string; seatPolicy: string },
): Promise<string> {
  s.seedSoldOut(q.provider, q.date, Number(q.trainNo));
  expect(s.releaseSeats(q.provider, q.date, Number(q.trainNo), 'general', 1)).toBe(1);
  const created = await watchTrain(api, { ...q, passengers: { adult: 2 } });
  expect(created.status).toBe(201);
  return created.body.data?.watch.id as string;
}
