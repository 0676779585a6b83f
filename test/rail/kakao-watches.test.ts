/** Kakao chat: passengers and seat class from words and entities, bad counts, listing and stopping watches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KakaoSim, Pressable } from '../../sims/notify/kakao.ts';
import { SKILL_BLOCK_ID } from '../../sims/notify/kakao.ts';
import type {
  RailReservationView as ReservationView,
  TrainView,
  WatchView,
} from '../../src/modules/rail/service.ts';
import { backends, eventually } from '../helpers.ts';
import { type KakaoRailEnv, kakaoRailApp, linkedUser, say as sayTo, template, textOf } from './kakao-app.ts';
import { dayAhead } from './setup.ts';

const ALICE = 'bot-user-key-alice';
const BOB = 'bot-user-key-bob';

describe.each(backends)('Kakao watches on %s', (backend) => {
  let env: KakaoRailEnv;
  let kakao: KakaoSim;
  let skill: string;
  let alice: Awaited<ReturnType<typeof linkedUser>>;
  let trains: TrainView[];
  let date: string;

  const say = (userKey: string, utterance: string, o: Parameters<KakaoSim['send']>[2] = {}) =>
    sayTo(env, userKey, utterance, o);
  const myWatches = async () =>
    (await alice.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches ?? [];

  beforeAll(async () => {
    env = await kakaoRailApp(backend);
    ({ kakao, skill } = env);
    alice = await linkedUser(env, ALICE);
    await linkedUser(env, BOB);
    date = dayAhead(env.s, 8);
    trains = (
      await alice.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider: 'srt',
        from: '수서',
        to: '부산',
        date,
        time: '06:00',
      })
    ).body.data?.trains as TrainView[];
    // Every train of the day sold out, so watches wait until a test frees a seat.
    for (const t of trains) env.s.seedSoldOut('srt', date, Number(t.trainNo));
  });
  afterAll(() => env.stop());

  it('takes passengers and seat class from the words, and the watch reserves that many seats in that class', async () => {
    const t = trains.find((x) => x.special !== 'absent') as TrainView;
    const r = await say(ALICE, `감시 srt 수서 부산 ${date} ${t.trainNo} 어른 2 어린이 1 특실`);
    expect(textOf(r.body)).toContain('감시를 시작했습니다');
    expect(textOf(r.body)).toContain('어른 2, 어린이 1 · 특실');
    const w = (await myWatches()).find((x) => x.trainNo === t.trainNo) as WatchView;
    expect(w.passengers).toEqual({ adult: 2, child: 1 });
    expect(w.seatPolicy).toBe('special-only');
    // A general seat is not what was asked for; three special seats are.
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 3);
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'special', 3);
    const held = await eventually(async () => {
      const list = (await alice.api.get<{ reservations: ReservationView[] }>('/api/rail/reservations')).body
        .data?.reservations;
      return list?.find((x) => x.watchId === w.id);
    });
    expect(held.seatCount).toBe(3);
    expect(held.seats.every((s) => s.seatClass === 'special')).toBe(true);
  });

  it('reads English words and answers in English', async () => {
    const t = trains[2];
    const r = await say(
      ALICE,
      `watch srt 수서 부산 ${date} ${t.trainNo} adult 1 senior 1 disability1-3 1 disability 4-6 1 general first`,
    );
    expect(textOf(r.body)).toContain('Watching for a seat');
    expect(textOf(r.body)).toContain('1 adult, 1 senior, 1 disability1-3, 1 disability4-6 · general first');
    const w = (await myWatches()).find((x) => x.trainNo === t.trainNo) as WatchView;
    expect(w.passengers).toEqual({ adult: 1, senior: 1, disability1to3: 1, disability4to6: 1 });
    expect(w.seatPolicy).toBe('general-first');
  });

  it('takes passengers and seat class from the block entities (params and detailParams)', async () => {
    const t = trains[3];
    const r = await say(ALICE, '감시', {
      params: {
        'departure-station': '수서',
        destination: '부산',
        'departure-date': JSON.stringify({
          date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`,
        }),
        'train-no': t.trainNo,
        adult: '2',
        seat: '특실 우선',
      },
      // An entity only in detailParams (Kakao fills both; this checks the fallback).
      detailParams: {
        'departure-station': { origin: '수서', value: '수서', groupName: '' },
        destination: { origin: '부산', value: '부산', groupName: '' },
        'departure-date': {
          origin: '그날',
          value: JSON.stringify({ date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` }),
          groupName: '',
        },
        'train-no': { origin: t.trainNo, value: t.trainNo, groupName: '' },
        adult: { origin: '2', value: '2', groupName: '' },
        child: { origin: '1명', value: JSON.stringify({ amount: 1, unit: '명' }), groupName: '' },
        seat: { origin: '특실 우선', value: '특실 우선', groupName: '' },
      },
    });
    expect(textOf(r.body)).toContain('감시를 시작했습니다');
    const w = (await myWatches()).find((x) => x.trainNo === t.trainNo) as WatchView;
    expect(w.passengers).toEqual({ adult: 2, child: 1 });
    expect(w.seatPolicy).toBe('special-first');
  });

  it('search carries the passengers into its reserve/watch replies', async () => {
    const r = await say(ALICE, `조회 수서 부산 ${date} 06:00 어른 2 어린이 1 특실`);
    const list = template(r.body).outputs[0].listCard;
    expect(list?.header.title).toContain('어른 2, 어린이 1');
    expect(list?.items[0].messageText).toMatch(
      new RegExp(`^감시 srt 수서 부산 ${date} \\d+ 어른 2 어린이 1 특실$`),
    );
  });

  it('refuses bad counts with a clear answer and starts nothing', async () => {
    const before = (await myWatches()).length;
    const t = trains[4];
    const cases: [string, RegExp][] = [
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 어른 0`, /한 명 이상/],
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 어른 5 경로 5`, /9명까지.*10명/],
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 어린이 2`, /어린이만으로는/],
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 어른 두명`, /어른 뒤에 인원수/],
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 장애 1`, /등급/],
      [`감시 srt 수서 부산 ${date} ${t.trainNo} 일반실 특실`, /하나만/],
      [`watch srt 수서 부산 ${date} ${t.trainNo} adult 10`, /At most 9 passengers/],
      [`watch srt 수서 부산 ${date} ${t.trainNo} child 1`, /Children cannot travel alone/],
      [`예약 srt 수서 부산 ${date} ${t.trainNo} 어른 0`, /한 명 이상/],
      [`조회 수서 부산 ${date} 어른 12`, /9명까지/],
    ];
    for (const [utterance, answer] of cases)
      expect(textOf((await say(ALICE, utterance)).body)).toMatch(answer);
    const viaParams = await say(ALICE, '감시', {
      params: {
        'departure-station': '수서',
        destination: '부산',
        'departure-date': date,
        'train-no': t.trainNo,
        adult: '0',
      },
    });
    expect(textOf(viaParams.body)).toMatch(/한 명 이상/);
    const notANumber = await say(ALICE, '감시', {
      params: {
        'departure-station': '수서',
        destination: '부산',
        'departure-date': date,
        'train-no': t.trainNo,
        adult: '많이',
      },
    });
    expect(textOf(notANumber.body)).toMatch(/어른 인원수가 숫자가 아닙니다: 많이/);
    expect((await myWatches()).length).toBe(before);
  });

  it('lists watches with numbers and stops one by number, by quick reply, and never someone else’s', async () => {
    const [a, b, c] = [trains[5], trains[6], trains[7]];
    for (const t of [a, b, c]) await say(ALICE, `감시 srt 수서 부산 ${date} ${t.trainNo}`);
    const list = await say(ALICE, '내 감시');
    const running = (await myWatches())
      .filter((w) => w.status === 'waiting' || w.status === 'trying')
      .reverse();
    const lines = textOf(list.body).split('\n');
    running.forEach((w, i) => {
      expect(lines.find((l) => l.startsWith(`${i + 1}. `))).toContain(`${w.trainNo}번`);
    });
    const replies = template(list.body).quickReplies ?? [];
    expect(replies.map((q) => q.label)).toEqual(running.map((_, i) => `중지 ${i + 1}`));
    expect(replies.every((q) => q.action === 'block' && q.blockId === SKILL_BLOCK_ID)).toBe(true);
    expect(replies.map((q) => q.extra?.watchId)).toEqual(running.map((w) => w.id));

    // Bob presses a reply carrying Alice's watch id (as a forged clientExtra would): nothing happens.
    const bIndex = running.findIndex((w) => w.trainNo === b.trainNo);
    const forged = await kakao.press(skill, replies[bIndex], { userKey: BOB });
    expect(textOf(forged.body)).toContain('찾지 못했습니다');
    const bogus = await say(BOB, '중지', { clientExtra: { watchId: 'not-a-watch' } });
    expect(textOf(bogus.body)).toContain('찾지 못했습니다');
    expect(textOf((await say(BOB, '중지 1')).body)).toContain('1번 감시가 없습니다');
    expect((await myWatches()).find((w) => w.trainNo === b.trainNo)?.status).toMatch(/waiting|trying/);

    // Alice presses the same reply: that watch stops, no other.
    const pressed = await kakao.press(skill, replies[bIndex], { userKey: ALICE });
    expect(textOf(pressed.body)).toContain(`감시를 중지했습니다: 수서→부산`);
    expect(textOf(pressed.body)).toContain(`${b.trainNo}번`);
    let now = await myWatches();
    expect(now.find((w) => w.trainNo === b.trainNo)?.status).toBe('stopped');
    expect(now.find((w) => w.trainNo === a.trainNo)?.status).toMatch(/waiting|trying/);
    // Pressing it again says so instead of pretending.
    expect(textOf((await kakao.press(skill, replies[bIndex], { userKey: ALICE })).body)).toContain(
      '이미 중지',
    );

    // By number: the numbers count running watches oldest first, as the list showed them.
    const stillRunning = now.filter((w) => w.status === 'waiting' || w.status === 'trying').reverse();
    const n = stillRunning.findIndex((w) => w.trainNo === c.trainNo) + 1;
    expect(textOf((await say(ALICE, `중지 ${n}`)).body)).toContain(`${c.trainNo}번`);
    expect(textOf((await say(ALICE, '중지 99')).body)).toContain('99번 감시가 없습니다');
    expect(textOf((await say(ALICE, '중지 둘')).body)).toContain('"중지 2"처럼');
    now = await myWatches();
    expect(now.find((w) => w.trainNo === c.trainNo)?.status).toBe('stopped');
    expect(now.find((w) => w.trainNo === a.trainNo)?.status).toMatch(/waiting|trying/);

    // The "stop this" reply under a new watch, and English "stop 1".
    const d = trains[8];
    const started = await say(ALICE, `watch srt 수서 부산 ${date} ${d.trainNo}`);
    const stopThis = template(started.body).quickReplies?.find((q) => q.label === 'stop this') as Pressable;
    expect(textOf((await kakao.press(skill, stopThis, { userKey: ALICE })).body)).toContain(
      `Stopped watching: 수서→부산`,
    );
    expect((await myWatches()).find((w) => w.trainNo === d.trainNo)?.status).toBe('stopped');
    const english = await say(ALICE, 'my watches');
    expect(textOf(english.body)).toContain('Running watches');
    expect(template(english.body).quickReplies?.[0].label).toBe('stop 1');
    const first = (await myWatches()).filter((w) => w.status === 'waiting' || w.status === 'trying').at(-1);
    expect(textOf((await say(ALICE, 'stop 1')).body)).toContain(`train ${first?.trainNo}`);
    expect((await myWatches()).find((w) => w.id === first?.id)?.status).toBe('stopped');
  });
});
