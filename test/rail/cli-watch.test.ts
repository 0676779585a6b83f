/**
 * `yeyak rail watch` as a user runs it (the real CLI in its own process): without --notify the
 * user's own channels apply; a channel never set up is refused naming `body.notify`; a standby
 * request is printed as a standby request, not as a seat; a party too big for the seats left is
 * said on the progress line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView, WatchView } from '../../src/modules/rail/index.ts';
import { backends, eventually } from '../helpers.ts';
import { type RailTestEnv, railApp, railUser, searchTrains, soldOutTrains, watchTrain } from './app.ts';
import { cliEnv as cliEnvOf, start, yeyak } from './cli-run.ts';
import { dayAhead } from './setup.ts';

const srt = (date: string) => ['--provider', 'srt', '--from', '수서', '--to', '부산', '--date', date];

describe.each(backends)('yeyak rail watch (%s)', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;
  let cliEnv: Record<string, string>;
  let trains: TrainView[];
  let date: string;
  /** A train of its own per test, sold out in both classes. */
  let soldOut: () => TrainView;
  const watches = async () =>
    (await user.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches ?? [];

  beforeAll(async () => {
    env = await railApp(backend);
    user = await railUser(env);
    cliEnv = cliEnvOf(env.t.url, user.token);
    date = dayAhead(env.s, 6);
    trains = await searchTrains(user.api, { date, time: '06:00' });
    expect(trains.length).toBeGreaterThan(10);
    soldOut = soldOutTrains(env.s, date, trains);
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('without --notify uses the channels in the user settings (not e-mail only)', {
    timeout: 180_000,
  }, async () => {
    await user.api.put('/api/rail/notifications', {
      email: false,
      discordWebhook: `${env.n.url}/discord/1/a`,
    });
    const t = soldOut();
    const cli = start(cliEnv, ['rail', 'watch', ...srt(date), '--train', t.trainNo], { timeoutMs: 150_000 });
    const w = await eventually(async () => (await watches()).find((x) => x.trainNo === t.trainNo), 30_000);
    expect(w.notify).toEqual(['discord']);
    cli.child.kill('SIGINT');
    await cli.done;
    await user.api.put('/api/rail/notifications', { email: true, discordWebhook: null });
  });

  it('refuses a channel the user never set up (kakao without a link), naming body.notify', async () => {
    const t = soldOut();
    const api = await watchTrain<Record<string, unknown>>(user.api, {
      date,
      trainNo: t.trainNo,
      notify: ['email', 'kakao'],
    });
    expect(api.status).toBe(400);
    expect((api.body.data as { errors: { path: string; message: string }[] }).errors[0]).toMatchObject({
      path: 'body.notify',
      message: expect.stringContaining('kakao (link KakaoTalk first'),
    });
    const cli = await yeyak(cliEnv, [
      'rail',
      'watch',
      ...srt(date),
      '--train',
      t.trainNo,
      '--notify',
      'slack',
    ]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('notify');
    expect(cli.stderr).toContain('slack (add a Slack webhook');
    expect((await watches()).filter((x) => x.trainNo === t.trainNo)).toEqual([]);
  });

  it('--standby prints a standby request as what it is, not as a reserved seat', {
    timeout: 180_000,
  }, async () => {
    const t = soldOut();
    const run = await yeyak(cliEnv, ['rail', 'watch', ...srt(date), '--train', t.trainNo, '--standby']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`예약대기 신청됨: SRT ${t.trainNo}`);
    expect(run.stdout).toContain('아직 좌석이 아닙니다');
    expect(run.stdout).not.toMatch(/^예약됨 /m);
    expect(run.stdout).not.toMatch(/좌석 1석/);
    const w = (await watches()).find((x) => x.trainNo === t.trainNo) as WatchView;
    expect(w.reservation?.standby).toBe(true);
    expect(w.lastResult).toBe(`standby requested ${w.reservation?.pnr}`);
  });

  it('says on the progress line how often it looks, and when seats are left but fewer than the party (LANG=en: in English)', {
    timeout: 180_000,
  }, async () => {
    const t = soldOut();
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const cli = start(
      { ...cliEnv, LANG: 'en' },
      ['rail', 'watch', ...srt(date), '--train', t.trainNo, '--adults', '2'],
      {
        timeoutMs: 150_000,
      },
    );
    await eventually(
      async () => cli.out().stdout.includes(`train ${t.trainNo}: fewer seats left than the 2 asked`),
      30_000,
    );
    // And how often the server looks: the round the egress budget allows now.
    expect(cli.out().stdout).toMatch(/(waiting|trying) · checked every ~\d+ (s|min) · attempts /);
    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(run.stdout).toContain('stopped watch');
  });
});
