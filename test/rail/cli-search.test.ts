import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView, WatchView } from '../../src/modules/rail/index.ts';
import { backends, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser } from './app.ts';
import { cliEnv as cliEnvOf, start, yeyak } from './cli-run.ts';
import { dayAhead } from './setup.ts';

/**
 * `yeyak rail search` and `yeyak rail watch` with the train-type filter (`--types KTX,ITX`), as a
 * user runs them: the real CLI in its own process against a whole yeyak and the stand-in operator.
 */

const hm = (t: string) => `${t.slice(0, 2)}:${t.slice(2, 4)}`;
/** Seoul → Busan on Korail, the route with every family. */
const korail = (date: string) => ['--provider', 'korail', '--from', '서울', '--to', '부산', '--date', date];

describe.each(backends)('yeyak rail search/watch --types (%s)', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    env = await railApp(backend);
    user = await railUser(env);
    await user.api.put('/api/rail/accounts/korail', { id: 'sim@yeyak.local', password: 'sim-password' });
    cliEnv = cliEnvOf(env.t.url, user.token);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  const search = async (body: Record<string, unknown>) =>
    (await user.api.post<{ trains: TrainView[] }>('/api/rail/search', body)).body.data?.trains ?? [];

  it('search prints only the asked types, with the type in the table', async () => {
    const date = dayAhead(env.s, 6);
    const all = await search({ provider: 'korail', from: '서울', to: '부산', date, time: '06:00' });
    // The unfiltered day has other families too, or the filter would prove nothing.
    expect(all.some((t) => t.group !== 'KTX' && t.group !== 'ITX')).toBe(true);
    const wanted = all.filter((t) => t.group === 'KTX' || t.group === 'ITX');
    expect(wanted.length).toBeGreaterThan(0);

    const run = await yeyak(cliEnv, [
      'rail',
      'search',
      ...korail(date),
      '--time',
      '06:00',
      '--types',
      'ktx, ITX',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [title, header, , ...rows] = run.stdout.trimEnd().split('\n');
    expect(title).toContain('(KTX, ITX만)');
    expect(header).toMatch(/^열차\s+종류\s+출발\s+도착\s+일반실/);
    // Exactly the KTX and ITX trains of the day, each with its operator type (KTX-산천, ITX-새마을…).
    expect(rows.map((r) => r.split(/\s{2,}/)[0])).toEqual(wanted.map((t) => t.trainNo));
    for (const [i, r] of rows.entries()) expect(r.split(/\s{2,}/)[1]).toBe(wanted[i].type);
    // LANG=en: the same table in English.
    const en = await yeyak({ ...cliEnv, LANG: 'en' }, ['rail', 'search', ...korail(date), '--types', 'KTX']);
    expect(en.code).toBe(0);
    const [enTitle, enHeader] = en.stdout.split('\n');
    expect(enTitle).toContain('(KTX only)');
    expect(enHeader).toMatch(/^train\s+type\s+dep/);
  });

  it('refuses an unknown type before asking anyone, and a type the operator does not run', async () => {
    const date = dayAhead(env.s, 6);
    const before = env.s.counts().total;
    const unknown = await yeyak(cliEnv, ['rail', 'search', ...korail(date), '--types', 'KTX,TGV']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--types: "TGV"는 열차 종류가 아닙니다 (KTX, SRT, ITX');
    const withTrain = await yeyak(cliEnv, [
      'rail',
      'watch',
      ...korail(date),
      '--train',
      '101',
      '--types',
      'KTX',
    ]);
    expect(withTrain.code).toBe(1);
    expect(withTrain.stderr).toContain('--types: 시간대(--after/--before)를 거르는 옵션입니다');
    expect(env.s.counts().total).toBe(before);
    expect(
      (await user.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches ?? [],
    ).toEqual([]);

    // SRT runs only SRT: the server says so, naming the option's field.
    const srt = await yeyak(cliEnv, [
      'rail',
      'search',
      '--from',
      '수서',
      '--to',
      '부산',
      '--date',
      date,
      '--types',
      'KTX',
    ]);
    expect(srt.code).toBe(1);
    expect(srt.stderr).toContain('trainTypes: SRT runs only SRT trains');
  });

  it('watch over a window takes only a train of the asked type', async () => {
    const date = dayAhead(env.s, 7);
    const all = await search({ provider: 'korail', from: '서울', to: '부산', date, time: '08:00' });
    // A KTX train and a later train of another family: the window holds both.
    const ktx = all.find(
      (t) => t.group === 'KTX' && all.some((o) => o.group !== 'KTX' && o.departure > t.departure),
    ) as TrainView;
    const other = all.find((o) => o.group !== 'KTX' && o.departure > ktx.departure) as TrainView;
    // Everything in the window is sold out except the other family's train, which has seats all along.
    for (const t of all.filter((x) => x.departure >= ktx.departure && x.departure <= other.departure))
      if (t.trainNo !== other.trainNo) env.s.seedSoldOut('korail', date, Number(t.trainNo));

    const cli = start(
      cliEnv,
      [
        'rail',
        'watch',
        ...korail(date),
        '--after',
        hm(ktx.departure),
        '--before',
        hm(other.departure),
        '--types',
        'KTX',
      ],
      { timeoutMs: 90_000 },
    );
    const watch = await eventually(async () => {
      const ws = (await user.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches ?? [];
      return ws.find((w) => w.date === date && w.attempts >= 3);
    }, 30_000);
    expect(watch.trainTypes).toEqual(['KTX']);
    expect(watch.status).toBe('trying');
    // The CLI prints what it sees on its own refresh, which may come after the third attempt.
    await eventually(
      async () => /시도 중 · (약 \d+(초|분)마다 확인 · )?시도 \d+회 · sold out/.test(cli.out().stdout),
      30_000,
    );

    env.s.releaseSeats('korail', date, Number(ktx.trainNo), 'general', 1);
    const run = await cli.done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`예약됨 KTX\\S* ${ktx.trainNo} 서울 → 부산`));
    const done = (await user.api.get<{ watch: WatchView }>(`/api/rail/watches/${watch.id}`)).body.data
      ?.watch as WatchView;
    expect(done.reservation?.trainNo).toBe(ktx.trainNo);
  });
});
