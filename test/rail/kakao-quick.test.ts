/**
 * Kakao without a callback: `조회` from a young kept search (saying how old, no operator request),
 * `감시`/`예약` refused at once from what is known locally, a SkillResponse for every request
 * (clientExtra in the forms Kakao's guides show, unreadable bodies, a wrong key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KakaoSim } from '../../sims/notify/kakao.ts';
import { skillPayload as payloadOf, skillResponseProblems } from '../../sims/notify/kakao.ts';
import type { TrainView } from '../../src/modules/rail/service.ts';
import { addDays, kstDate } from '../../src/modules/rail/time.ts';
import { backends } from '../helpers.ts';
import {
  type KakaoRailEnv,
  kakaoRailApp,
  linkedUser,
  SKILL_KEY,
  say as sayTo,
  template,
  textOf,
} from './kakao-app.ts';
import { dayAhead } from './setup.ts';

const ALICE = 'bot-user-key-quick-alice';

describe.each(backends)('Kakao answers without a callback on %s', (backend) => {
  let env: KakaoRailEnv;
  let alice: Awaited<ReturnType<typeof linkedUser>>;
  let trains: TrainView[];
  let date: string;
  const say = (utterance: string, o: Parameters<KakaoSim['send']>[2] = {}) => sayTo(env, ALICE, utterance, o);
  const searches = () => env.s.counts().total;

  beforeAll(async () => {
    env = await kakaoRailApp(backend);
    alice = await linkedUser(env, ALICE);
    date = dayAhead(env.s, 9);
    // A whole-day search, as a watch's poll or the web leaves it.
    trains = (
      await alice.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider: 'srt',
        from: '수서',
        to: '부산',
        date,
      })
    ).body.data?.trains as TrainView[];
  });
  afterAll(() => env.stop());

  it('조회 answers from the kept search, says how old it is, and asks the operator nothing', async () => {
    const before = searches();
    const r = await say(`조회 수서 부산 ${date} 10:00`);
    expect(r.ms).toBeLessThan(3500);
    const list = template(r.body).outputs[0].listCard;
    expect(list?.header.title).toMatch(/수서→부산 .* · \d+초 전 조회/);
    const first = trains.find((t) => t.departure >= '100000') as TrainView;
    expect(list?.items[0].title).toContain(` ${first.trainNo} `);
    expect(searches()).toBe(before);
    // A party needs its own answer: the operator is asked.
    const party = await say(`조회 수서 부산 ${date} 10:00 어른 2`);
    expect(template(party.body).outputs[0].listCard?.header.title).not.toContain('전 조회');
    expect(searches()).toBeGreaterThan(before);
  });

  it('조회 asks the operator once the kept search is too old', async () => {
    const young = env.t.y.rail.freshSearchMs;
    env.t.y.rail.freshSearchMs = 0;
    try {
      const before = searches();
      const r = await say(`조회 수서 부산 ${date} 12:00`);
      expect(template(r.body).outputs[0].listCard?.header.title).not.toContain('전 조회');
      expect(searches()).toBeGreaterThan(before);
    } finally {
      env.t.y.rail.freshSearchMs = young;
    }
  });

  it('감시 and 예약 are refused at once, in Korean, for what is known without the operator', async () => {
    const before = searches();
    const cases: [string, RegExp][] = [
      [`감시 srt 수서 부산 ${date} 99999`, /99999번 열차가 없습니다/],
      [`예약 srt 수서 부산 ${date} 99999`, /99999번 열차가 없습니다/],
      [`감시 srt 수서 부선 ${date} ${trains[0].trainNo}`, /SRT에 없는 역입니다: 부선 \(혹시 부산/],
      [`예약 srt 수서 부산 ${addDays(kstDate(), -1)} ${trains[0].trainNo}`, /지난 날짜입니다/],
      [`감시 srt 수서 부산 ${addDays(kstDate(), 40)} ${trains[0].trainNo}`, /30일 뒤까지만/],
      [`감시 srt 수서 수서 ${date} ${trains[0].trainNo}`, /출발역과 도착역이 같습니다/],
    ];
    for (const [utterance, want] of cases) {
      const r = await say(utterance);
      expect(r.ms, utterance).toBeLessThan(3500);
      expect(textOf(r.body), utterance).toMatch(want);
    }
    expect(searches()).toBe(before);
    // A known train: the watch starts from the timetable, with no search of its own.
    const r = await say(`감시 srt 수서 부산 ${date} ${trains.at(-1)?.trainNo}`);
    expect(textOf(r.body)).toContain('감시를 시작했습니다');
  });

  it('takes clientExtra as an object, null, "null", a JSON string or left out', async () => {
    expect(textOf((await say(`감시 srt 수서 부산 ${date} ${trains.at(-2)?.trainNo}`)).body)).toContain(
      '감시를 시작했습니다',
    );
    for (const clientExtra of [{}, null, 'null', '{}', '', undefined]) {
      const body = payloadOf('내 감시', { userKey: ALICE }) as Record<string, unknown>;
      const action = body.action as Record<string, unknown>;
      if (clientExtra === undefined) delete action.clientExtra;
      else action.clientExtra = clientExtra;
      const res = await fetch(env.skill, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as Record<string, unknown>;
      expect(res.status, JSON.stringify(clientExtra)).toBe(200);
      expect(skillResponseProblems(answer)).toEqual([]);
      expect(textOf(answer)).toContain('진행 중인 감시');
    }
    // A stop quick reply whose extra came as a JSON string still stops that watch.
    const mine = await say('내 감시');
    const stop = template(mine.body).quickReplies?.[0];
    const body = payloadOf('중지', { userKey: ALICE }) as Record<string, unknown>;
    (body.action as Record<string, unknown>).clientExtra = JSON.stringify(stop?.extra);
    const res = await fetch(env.skill, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // (The watch may have taken a seat already: then the answer names that watch's state.)
    expect(textOf((await res.json()) as Record<string, unknown>)).toMatch(
      /감시를 중지했습니다|이 감시는 이미|중지하기 전에 상태가 바뀌었습니다/,
    );
  });

  it('answers a SkillResponse, never its own error body: unreadable requests and a wrong key', async () => {
    const post = (body: string, url = env.skill) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const body of ['{"userRequest":{}}', 'not json', '[]', JSON.stringify({ action: null })]) {
      const res = await post(body);
      const answer = (await res.json()) as Record<string, unknown>;
      expect(res.status, body).toBe(200);
      expect(skillResponseProblems(answer), body).toEqual([]);
      expect(textOf(answer)).toContain('요청을 읽지 못했습니다');
      expect(answer.code).toBeUndefined();
    }
    const wrong = await post(
      JSON.stringify(payloadOf('도움말')),
      env.skill.replace(SKILL_KEY, 'not-the-key-of-this-bot'),
    );
    expect(wrong.status).toBe(401);
    const answer = (await wrong.json()) as Record<string, unknown>;
    expect(skillResponseProblems(answer)).toEqual([]);
    expect(textOf(answer)).toContain('스킬 키');
  });
});
