/** The Kakao skill server with real SkillPayloads from the Kakao stand-in: help, link, search, watch, Event API, callback. */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KakaoSim } from '../../sims/notify/kakao.ts';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { backends, eventually, login } from '../helpers.ts';
import { type KakaoRailEnv, kakaoRailApp, REST_KEY } from './kakao-app.ts';
import { dayAhead } from './setup.ts';

const USER_KEY = 'bot-user-key-0001';

/** A proxy in front of the rail stand-in that holds the next `slow` requests `delayMs` each: a slow operator. */
async function slowOperator() {
  const state = { target: '', delayMs: 0, slow: 0 };
  const server = createServer((req, res) => {
    const delay = state.slow > 0 ? state.delayMs : 0;
    state.slow = Math.max(0, state.slow - 1);
    setTimeout(() => {
      const to = new URL(req.url ?? '/', state.target);
      const up = httpRequest(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      req.pipe(up);
    }, delay);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe.each(backends)('Kakao skill server on %s', (backend) => {
  let env: KakaoRailEnv;
  let kakao: KakaoSim;
  let proxy: Awaited<ReturnType<typeof slowOperator>>;
  let skill: string;
  let u: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    proxy = await slowOperator();
    env = await kakaoRailApp(backend, { srtUrl: proxy.url });
    ({ kakao, skill } = env);
    proxy.state.target = env.s.url;
    u = await login(env.t);
    await u.api.put('/api/rail/accounts/srt', { id: '1234567890', password: 'sim-password' });
  });
  afterAll(async () => {
    await env.stop();
    await proxy.close();
  });

  const say = (utterance: string, o: Parameters<KakaoSim['send']>[2] = {}) =>
    kakao.send(skill, utterance, { userKey: USER_KEY, ...o });
  const textOf = (body: Record<string, unknown>) =>
    JSON.stringify((body.template as { outputs: unknown[] }).outputs);

  it('refuses a request without the skill key; help lists every command, in Korean or in English', async () => {
    const bad = await kakao.send(`${env.t.url}/api/kakao/skill`, '도움말');
    expect(bad.status).toBe(401);
    const help = await say('안녕');
    expect(help.status).toBe(200);
    expect(help.body.version).toBe('2.0');
    for (const command of [
      '연결 K7QM-2XPA',
      '조회 ',
      '감시 ',
      '예약 ',
      '어른 2 어린이 1',
      '특실',
      '내 감시',
      '중지 2',
      '내 예약',
      '도움말',
    ])
      expect(textOf(help.body)).toContain(command);
    const en = await say('help');
    for (const command of [
      'link K7QM-2XPA',
      'search ',
      'watch ',
      'reserve ',
      'adult 2 child 1',
      'special first',
      'my watches',
      'stop 2',
      'my reservations',
    ])
      expect(textOf(en.body)).toContain(command);
    expect(textOf(en.body)).not.toMatch(/감시 목록|진행/);
    const unlinked = await say('조회 수서 부산 내일');
    expect(textOf(unlinked.body)).toContain('연결 코드');
    expect(textOf((await say('my watches')).body)).toContain('link K7QM-2XPA');
  });

  it('links a KakaoTalk user with a one-time code from the web', async () => {
    const wrong = await say('연결 AAAA-AAAA');
    expect(textOf(wrong.body)).toMatch(/틀렸거나 만료/);
    const code = (await u.api.post<{ code: string }>('/api/rail/kakao/code')).body.data?.code as string;
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
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
    const english = await say(`search srt 수서 부산 ${date} 18:00`);
    expect(textOf(english.body)).toMatch(/general (seats|sold out)/);
    expect(textOf(english.body)).toMatch(/"messageText":"(reserve|watch) srt 수서 부산/);
  });

  it('starts a watch from the chat and tells the user through the Event API in its documented format', async () => {
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
    expect(w.passengers).toEqual({ adult: 1 });
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const event = await eventually(async () =>
      kakao.received.find((x) => x.kind === 'event' && JSON.stringify(x.body).includes(t.trainNo)),
    );
    expect(event.path).toBe('/v2/bots/bot-yeyak/talk');
    expect(event.headers.authorization).toBe(`KakaoAK ${REST_KEY}`);
    expect(event.headers['content-type']).toBe('application/json');
    const body = event.body as { event: { name: string; data: { text: string } }; user: unknown[] };
    expect(Object.keys(body).sort()).toEqual(['event', 'user']);
    expect(body.event.name).toBe('rail_notice');
    expect(body.user).toEqual([{ type: 'botUserKey', id: USER_KEY }]);
    expect(body.event.data.text).toContain(t.trainNo);
    const mine = await say('내 감시');
    expect(textOf(mine.body)).toContain('예약됨');
  });

  it('a slow operator: the skill answers useCallback within 5 s and the callback URL gets the real answer', async () => {
    const date = dayAhead(env.s, 7);
    proxy.state.delayMs = env.t.y.rail.kakaoBudgetMs + 500;
    proxy.state.slow = 1;
    try {
      const callbackUrl = kakao.callbackUrl();
      const r = await say(`조회 수서 대전 ${date} 09:00`, { callbackUrl });
      expect(r.ms).toBeLessThan(5000);
      expect(r.body).toMatchObject({ version: '2.0', useCallback: true, data: { text: expect.any(String) } });
      expect(r.body.template).toBeUndefined();
      expect(kakao.received.some((x) => x.path === new URL(callbackUrl).pathname)).toBe(false);
      const posted = await eventually(async () =>
        kakao.received.find((x) => x.kind === 'callback' && x.path === new URL(callbackUrl).pathname),
      );
      expect(posted.body).toMatchObject({ version: '2.0' });
      expect(JSON.stringify(posted.body)).toContain('listCard');
      expect(JSON.stringify(posted.body)).toContain(`srt 수서 대전 ${date}`);
      // A block without the callback setting gets no callbackUrl: within 3.5 s an answer that says
      // the result follows, then the result through the Event API. (07:00: before what the search
      // above kept, so the operator is asked.)
      proxy.state.slow = 1;
      const sent = kakao.received.length;
      const plain = await say(`조회 수서 대전 ${date} 07:00`);
      expect(plain.ms).toBeLessThan(3500);
      expect(textOf(plain.body)).toContain('카카오톡 메시지로 보내 드릴게요');
      const pushed = await eventually(async () => kakao.received.slice(sent).find((x) => x.kind === 'event'));
      const data = (pushed.body as { event: { data: { text: string } }; user: unknown[] }).event.data.text;
      expect(data).toContain(`수서→대전 ${date.slice(0, 4)}-`);
      expect(data).toMatch(new RegExp(`→ (예약|감시) srt 수서 대전 ${date} \\d+`));
      expect((pushed.body as { user: unknown[] }).user).toEqual([{ type: 'botUserKey', id: USER_KEY }]);
    } finally {
      proxy.state.slow = 0;
    }
    // Quick again once the operator is.
    const fast = await say(`조회 수서 대전 ${date} 09:00`, { callbackUrl: kakao.callbackUrl() });
    expect(fast.body.useCallback).toBeUndefined();
    expect(textOf(fast.body)).toContain('listCard');
  });
});
