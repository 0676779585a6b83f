/**
 * Politeness that holds for every process on one database: the egress limit is shared, and an
 * operator's block stops every watch on that operator and pauses it for all of them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNotifySim } from '../../sims/notify/server.ts';
import type { RailSim } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/config.ts';
import type { TrainView, WatchView } from '../../src/modules/rail/index.ts';
import { mailboxMessages } from '../../src/platform/schema.ts';
import { eventually, freshPostgres, login, startApp, type TestApp } from '../helpers.ts';
import { railApp, railUser } from './app.ts';
import { dayAhead, sim } from './setup.ts';

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('one egress budget for every process on the database', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('two processes together stay under the per-egress limit', async () => {
    // Korail logins: the stand-in's anti-macro check (on by default) is off.
    const s: RailSim = await sim({ blockThreshold: 100_000, korailMacroCheck: false });
    const n = await startNotifySim();
    const db = await freshPostgres();
    cleanups.push(async () => {
      await s.close();
      await n.close();
      await db.drop();
    });
    const rail = {
      ...loadConfig({}).rail,
      sandbox: false,
      srtUrl: s.url,
      korailUrl: s.url,
      netfunnelUrl: s.netfunnelUrl,
      pollMs: 200,
      jitterMs: 0,
      accountIntervalMs: 0,
      egressPerMinute: 120,
    };
    const apps: TestApp[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await startApp('pglite', { databaseUrl: db.url, rail }, { pollingIntervalSeconds: 0.5 });
      apps.push(t);
      cleanups.push(() => t.stop());
    }
    const u = await login(apps[0]);
    expect(
      (await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' })).status,
    ).toBe(200);
    const date = dayAhead(s, 7);
    const routes = ['부산', '대전', '광주송정', '동대구', '울산(통도사)', '천안아산'];
    for (const to of routes) {
      const r = await u.api.post('/api/rail/watches', {
        provider: 'srt',
        from: '수서',
        to,
        date,
        timeFrom: '23:00',
        timeTo: '23:59',
        passengers: { adult: 1 },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    // Both processes work the polls (pg-boss hands jobs to either).
    await new Promise((r) => setTimeout(r, 1_000));
    // The API's requests (`total`) share the egress budget; NetFunnel's calls go to the queue's own
    // host in a line of their own, two per API slot (the sim counts them apart from `total`).
    const requests = () => s.counts().total;
    const queue = () => s.counts().byPath['/ts.wseq'] ?? 0;
    const before = requests();
    const queueBefore = queue();
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));
    const sent = requests() - before;
    const queued = queue() - queueBefore;
    const elapsed = Date.now() - started;
    // One process alone may send one request per 500 ms; two unshared ones would send twice that.
    const allowed = Math.floor(elapsed / 500) + 1;
    console.log(
      `shared egress 120/min, 2 processes: ${sent} API requests and ${queued} NetFunnel calls in ${elapsed} ms (allowed ${allowed})`,
    );
    expect(sent).toBeGreaterThanOrEqual(allowed - 2);
    expect(sent).toBeLessThanOrEqual(allowed);
    expect(queued).toBeLessThanOrEqual(2 * allowed);
  });
});

describe('an operator block', () => {
  let env: Awaited<ReturnType<typeof railApp>>;
  beforeAll(async () => {
    env = await railApp('pglite');
  });
  afterAll(() => env.stop());
  afterEach(async () => {
    env.s.unblock();
    await env.t.y.rail.pacing.resume(env.t.y.rail.egressKey('srt'));
  });

  it('stops every watch on that operator, pauses it for everyone, and leaves the other operator alone', async () => {
    const a = await railUser(env);
    const b = await railUser(env);
    await b.api.put('/api/rail/accounts/korail', { id: 'sim@yeyak.local', password: 'sim-password' });
    const date = dayAhead(env.s, 6);
    const watch = async (
      u: typeof a,
      body: { provider: 'srt' | 'korail'; from: string; to: string },
    ): Promise<string> => {
      const r = await u.api.post<{ watch: WatchView }>('/api/rail/watches', {
        ...body,
        date,
        timeFrom: '23:00',
        timeTo: '23:59',
        passengers: { adult: 1 },
        notify: ['email'],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.data?.watch.id as string;
    };
    const w1 = await watch(a, { provider: 'srt', from: '수서', to: '부산' });
    const w2 = await watch(b, { provider: 'srt', from: '수서', to: '대전' });
    const k1 = await watch(b, { provider: 'korail', from: '서울', to: '부산' });
    const get = async (u: typeof a, id: string) =>
      (await u.api.get<{ watch: WatchView }>(`/api/rail/watches/${id}`)).body.data?.watch as WatchView;
    await eventually(async () => (await get(a, w1)).attempts >= 1 && (await get(b, k1)).attempts >= 1);

    env.s.blockOperator('srt');
    // Both SRT watches stop, whichever search met the block, with the reason and the pause's end.
    const failed = await eventually(async () => {
      const x = [await get(a, w1), await get(b, w2)];
      return x.every((w) => w.status === 'failed') ? x : undefined;
    });
    for (const w of failed)
      expect(w.failReason).toMatch(/blocked us.*until \d{4}-\d{2}-\d{2} \d{2}:\d{2} KST/);
    // Nothing more goes to SRT while the pause lasts, even after the operator lifts the block.
    env.s.unblock();
    const providers = await a.api.get<{ providers: { name: string; pausedUntil: string | null }[] }>(
      '/api/rail/providers',
    );
    expect(providers.body.data?.providers.find((p) => p.name === 'srt')?.pausedUntil).not.toBeNull();
    expect(providers.body.data?.providers.find((p) => p.name === 'korail')?.pausedUntil).toBeNull();
    // Korail keeps polling meanwhile (each poll passes its NetFunnel, the same /ts.wseq path SRT's
    // queue answers on), so count SRT's own API paths.
    const srtRequests = () =>
      Object.entries(env.s.counts().byPath)
        .filter(([path]) => !path.startsWith('/classes/') && path !== '/ts.wseq')
        .reduce((sum, [, n]) => sum + n, 0);
    const srtBefore = srtRequests();
    const refused = await a.api.post('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      timeFrom: '20:00',
      timeTo: '23:59',
      passengers: { adult: 1 },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.description).toMatch(/SRT blocked this server.*until/);
    const search = await a.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
    });
    expect(search.status).toBe(503);
    expect(srtRequests()).toBe(srtBefore);
    // Korail is another operator: its watch keeps polling.
    const kBefore = (await get(b, k1)).attempts;
    await eventually(async () => (await get(b, k1)).attempts > kBefore);
    expect((await get(b, k1)).status).toBe('trying');
    // The user hears why.
    await eventually(async () => {
      const rows = await env.t.y.ctx.database.db.select().from(mailboxMessages);
      return rows.some((m) => m.to.includes(a.email) && /감시 중단|watch stopped/.test(m.subject));
    });
  });
});
