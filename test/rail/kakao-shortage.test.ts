/**
 * What a KakaoTalk user reads about a party watch that finds too few seats ("1석 남음, 2석 필요"),
 * and about a standby request (예약대기), which is a place in the operator's queue, not a seat:
 * in "내 감시" and in the message yeyak pushes when the request is placed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchView } from '../../src/modules/rail/service.ts';
import { backends, eventually } from '../helpers.ts';
import { searchTrains, watchTrain, watchWhen } from './app.ts';
import { type KakaoRailEnv, kakaoRailApp, linkedUser, say, textOf } from './kakao-app.ts';
import { dayAhead, MEMBER } from './setup.ts';

const USER_KEY = 'bot-user-key-party';

describe.each(backends)('Kakao wording of a shortage and a standby on %s', (backend) => {
  let env: KakaoRailEnv;
  let u: Awaited<ReturnType<typeof linkedUser>>;
  /** The line of "내 감시" about train `trainNo`. */
  const listed = async (trainNo: string) =>
    textOf((await say(env, USER_KEY, '내 감시')).body)
      .split('\n')
      .find((l) => l.includes(` ${trainNo}번 · `)) ?? '';

  beforeAll(async () => {
    env = await kakaoRailApp(backend);
    u = await linkedUser(env, USER_KEY);
    expect((await u.api.put('/api/rail/accounts/korail', MEMBER)).status).toBe(200);
  });
  afterAll(() => env.stop());

  it('Korail: "1석 남음, 2석 필요" on the watch of two, gone once it is reserved', async () => {
    const date = dayAhead(env.s, 7);
    const trains = await searchTrains(u.api, { provider: 'korail', from: '서울', date, time: '09:00' });
    const t = trains.find((x) => x.type.startsWith('KTX')) ?? trains[0];
    env.s.seedSoldOut('korail', date, Number(t.trainNo));
    expect(env.s.releaseSeats('korail', date, Number(t.trainNo), 'general', 1)).toBe(1);
    const started = await say(env, USER_KEY, `감시 korail 서울 부산 ${date} ${t.trainNo} 어른 2`);
    expect(textOf(started.body)).toContain('감시를 시작했습니다');
    const w = (await u.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches.find(
      (x) => x.trainNo === t.trainNo,
    ) as WatchView;
    await watchWhen(u.api, w.id, (x) => x.shortage.length > 0);

    const line = await listed(t.trainNo);
    expect(line).toMatch(
      new RegExp(
        `^1\\. (대기|시도 중) · 서울→부산 \\S+ ${t.trainNo}번 · 어른 2 · .* · 약 \\d+초마다 확인 · ${t.trainNo}번 열차: 1석 남음, 2석 필요$`,
      ),
    );
    expect(line).not.toContain('예약번호');
    // The same in English, asked in English words.
    const en =
      textOf((await say(env, USER_KEY, 'my watches')).body)
        .split('\n')
        .find((l) => l.includes(`train ${t.trainNo} · `)) ?? '';
    expect(en).toMatch(new RegExp(`· checked every ~\\d+ s · train ${t.trainNo}: 1 seat left, 2 asked$`));

    // A second seat frees: the watch reserves both, and the shortage is no longer said.
    env.s.releaseSeats('korail', date, Number(t.trainNo), 'general', 1);
    const done = await watchWhen(u.api, w.id, (x) => x.status === 'reserved');
    const after = await listed(t.trainNo);
    expect(after).toContain(`예약됨 · 서울→부산`);
    expect(after).toContain(`예약번호 ${done.reservation?.pnr}`);
    expect(after).not.toContain('석 남음');
  });

  it('SRT (no seat counts): "남은 좌석이 2석보다 적음"', async () => {
    const date = dayAhead(env.s, 8);
    const t = (await searchTrains(u.api, { date, time: '09:00' }))[2];
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const r = await watchTrain(u.api, { date, trainNo: t.trainNo, passengers: { adult: 2 }, notify: [] });
    expect(r.status).toBe(201);
    const id = r.body.data?.watch.id as string;
    await watchWhen(u.api, id, (x) => x.shortage.length > 0);
    expect(await listed(t.trainNo)).toMatch(
      new RegExp(`· 어른 2 · .* · ${t.trainNo}번 열차: 남은 좌석이 2석보다 적음$`),
    );
    await u.api.post(`/api/rail/watches/${id}/stop`);
  });

  it('a standby request: listed and pushed as 예약대기, not a seat', async () => {
    const date = dayAhead(env.s, 9);
    const t = (await searchTrains(u.api, { date, time: '12:00' }))[1];
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    const r = await watchTrain(u.api, { date, trainNo: t.trainNo, standby: true, notify: ['kakao'] });
    expect(r.status).toBe(201);
    const w = await watchWhen(u.api, r.body.data?.watch.id as string, (x) => x.status === 'reserved');
    const pnr = w.reservation?.pnr as string;
    expect(w.reservation?.standby).toBe(true);

    const line = await listed(t.trainNo);
    expect(line).toContain(`· 예약대기 신청 ${pnr} (아직 좌석 아님)`);
    expect(line).not.toContain(`예약번호 ${pnr}`);

    // The push through Kakao's Event API: a request placed, seats "예약대기", no payment deadline.
    const pushed = await eventually(async () =>
      env.kakao.received
        .filter((x) => x.kind === 'event')
        .map((x) => JSON.stringify(x.body))
        .find((body) => body.includes(pnr)),
    );
    expect(pushed).toContain(`[yeyak] SRT ${t.trainNo} 예약대기 신청`);
    expect(pushed).toContain('좌석: 예약대기');
    expect(pushed).toContain('좌석이 배정되면 알려 드립니다');
    expect(pushed).not.toContain('좌석 확보');
    expect(pushed).not.toContain('결제 기한');
  });

  it('a standby request is labelled "예약대기 중", not "예약됨" (reserved), in "내 감시"', async () => {
    const date = dayAhead(env.s, 10);
    const t = (await searchTrains(u.api, { date, time: '12:00' }))[1];
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    const r = await watchTrain(u.api, { date, trainNo: t.trainNo, standby: true, notify: [] });
    await watchWhen(u.api, r.body.data?.watch.id as string, (x) => x.status === 'reserved');
    const line = await listed(t.trainNo);
    expect(line).not.toMatch(/^• 예약됨 · /);
    expect(line).toMatch(/^• 예약대기 중 · /);
  });
});
