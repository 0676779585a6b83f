/** The Kakao skill server with real SkillPayloads from the Kakao stand-in: link, search, watch, callback, Event API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KakaoSim, startKakaoSim } from '../../sims/notify/kakao.ts';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { eventually, login } from '../helpers.ts';
import { type RailTestEnv, railApp } from './app.ts';
import { dayAhead } from './setup.ts';

const SKILL_KEY = 'kakao-skill-key-for-tests';
const USER_KEY = 'bot-user-key-0001';

describe('Kakao skill server', () => {
  let env: RailTestEnv;
  let kakao: KakaoSim;
  let skill: string;
  let u: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    kakao = await startKakaoSim();
    env = await railApp('pglite', {
      kakao: {
        ...loadConfig({}).rail.kakao,
        skillKey: SKILL_KEY,
        apiUrl: kakao.url,
        botId: 'bot-yeyak',
        restApiKey: 'rest-api-key-test',
      },
    });
    skill = `${env.t.url}/api/kakao/skill?key=${SKILL_KEY}`;
    u = await login(env.t);
    await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' });
  });
  afterAll(async () => {
    await env.stop();
    await kakao.close();
  });

  const say = (utterance: string, o: Parameters<KakaoSim['send']>[2] = {}) =>
    kakao.send(skill, utterance, { userKey: USER_KEY, ...o });
  const textOf = (body: Record<string, unknown>) =>
    JSON.stringify((body.template as { outputs: unknown[] }).outputs);

  it('refuses a request without the skill key, and answers v2.0 with help for anything else', async () => {
    const bad = await kakao.send(`${env.t.url}/api/kakao/skill`, '도움말');
    expect(bad.status).toBe(401);
    const help = await say('안녕');
    expect(help.status).toBe(200);
    expect(help.body.version).toBe('2.0');
    expect(textOf(help.body)).toContain('연결 123456');
    const unlinked = await say('조회 수서 부산 내일');
    expect(textOf(unlinked.body)).toContain('연결 코드');
  });

  it('links a KakaoTalk user with a one-time code from the web', async () => {
    const wrong = await say('연결 000000');
    expect(textOf(wrong.body)).toMatch(/틀렸거나 만료/);
    const code = (await u.api.post<{ code: string }>('/api/rail/kakao/code')).body.data?.code as string;
    expect(code).toMatch(/^\d{6}$/);
    const ok = await say(`연결 ${code}`);
    expect(textOf(ok.body)).toContain('연결했습니다');
    const again = await say(`연결 ${code}`);
    expect(textOf(again.body)).toMatch(/틀렸거나 만료/);
  });

  it('searches within 5 s and offers watch/reserve replies; unknown stations get suggestions', async () => {
    const date = dayAhead(env.s, 5);
    const r = await say(`조회 수서 부산 ${date} 18:00`);
    expect(r.ms).toBeLessThan(5000);
    const list = (
      r.body.template as { outputs: { listCard: { items: { title: string; messageText: string }[] } }[] }
    ).outputs[0].listCard;
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.length).toBeLessThanOrEqual(5);
    expect(list.items[0].messageText).toMatch(new RegExp(`^(예약|감시) srt 수서 부산 ${date} \\d+$`));
    const quick = (r.body.template as { quickReplies: { label: string }[] }).quickReplies;
    expect(quick.every((q) => q.label.length <= 14)).toBe(true);
    // Entities from a block (action.params) work as well as typed words.
    const viaParams = await say('기차표', {
      params: {
        'departure-station': '수서',
        destination: '부산',
        'departure-date': JSON.stringify({
          date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`,
        }),
        'departure-time': '180000',
      },
    });
    expect(textOf(viaParams.body)).toContain('listCard');
    const typo = await say(`조회 수서 부선 ${date}`);
    expect(textOf(typo.body)).toContain('혹시 부산');
  });

  it('starts a watch from the chat and tells the user through the Event API when it gets the seat', async () => {
    const date = dayAhead(env.s, 6);
    const trains = (
      await u.api.post<{ trains: TrainView[] }>('/api/rail/search', {
        provider: 'srt',
        from: '수서',
        to: '부산',
        date,
        time: '19:00',
      })
    ).body.data?.trains as TrainView[];
    const t = trains[1];
    env.s.seedSoldOut('srt', date, Number(t.trainNo));
    const r = await say(`감시 srt 수서 부산 ${date} ${t.trainNo}`);
    expect(textOf(r.body)).toContain('감시를 시작했습니다');
    const watches = (await u.api.get<{ watches: WatchView[] }>('/api/rail/watches')).body.data?.watches ?? [];
    const w = watches.find((x) => x.trainNo === t.trainNo) as WatchView;
    expect(w.notify).toContain('kakao');
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const event = await eventually(async () =>
      kakao.received.find((x) => x.kind === 'event' && JSON.stringify(x.body).includes(t.trainNo)),
    );
    expect(event.path).toBe('/v2/bots/bot-yeyak/talk');
    expect(event.headers.authorization).toBe('KakaoAK rest-api-key-test');
    expect(event.body).toMatchObject({
      user: [{ type: 'botUserKey', id: USER_KEY }],
      event: { name: 'rail_notice' },
    });
    const mine = await say('내 감시');
    expect(textOf(mine.body)).toContain('예약됨');
  });

  it('answers with useCallback when the work takes longer, then posts the result to the callback URL', async () => {
    env.t.y.rail.kakaoBudgetMs = 1;
    try {
      const callbackUrl = kakao.callbackUrl();
      const r = await say(`조회 수서 대전 ${dayAhead(env.s, 7)} 09:00`, { callbackUrl });
      expect(r.body).toMatchObject({ version: '2.0', useCallback: true });
      expect(r.body.template).toBeUndefined();
      const posted = await eventually(async () => kakao.received.find((x) => x.kind === 'callback'));
      expect(posted.body).toMatchObject({ version: '2.0' });
      expect(JSON.stringify(posted.body)).toContain('listCard');
    } finally {
      env.t.y.rail.kakaoBudgetMs = 3500;
    }
  });
});
