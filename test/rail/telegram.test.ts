/**
 * Telegram, both ways, over the long poll: linking a private chat with the deep link's code (which
 * also makes it the user's Telegram address), /watches, /stop N, /reservations, /help, unknown text,
 * unlinked and group chats, one user's chat never reaching another's watches, the language of the
 * account, and the poll's offset (an update Telegram answers twice is handled once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView, WatchView } from '../../src/modules/rail/service.ts';
import { backends, eventually } from '../helpers.ts';
import { getWatch, type RailTestEnv, searchTrains, soldOutTrains, watchTrain } from './app.ts';
import { dayAhead } from './setup.ts';
import { ask, repliesTo, telegramRailApp, telegramUser } from './telegram-app.ts';

const ALICE_CHAT = 5_550_001;
const BOB_CHAT = 5_550_002;
const STRANGER_CHAT = 5_550_003;

describe.each(backends)('Telegram chat (long poll) on %s', (backend) => {
  let env: RailTestEnv;
  let alice: Awaited<ReturnType<typeof telegramUser>>;
  let bob: Awaited<ReturnType<typeof telegramUser>>;
  let date: string;
  let trains: TrainView[];
  let nextSoldOut: () => TrainView;

  beforeAll(async () => {
    env = await telegramRailApp(backend);
    date = dayAhead(env.s, 8);
    alice = await telegramUser(env, ALICE_CHAT);
    bob = await telegramUser(env, BOB_CHAT);
    trains = await searchTrains(alice.api, { date, time: '06:00' });
    nextSoldOut = soldOutTrains(env.s, date, trains);
  });
  afterAll(() => env?.stop());

  it('links the chat: the web sees it linked and the chat becomes the Telegram address for notices', async () => {
    const state = await alice.api.get<{ available: boolean; linked: boolean; bot: string }>(
      '/api/rail/telegram',
    );
    expect(state.body.data).toEqual({ available: true, linked: true, bot: 'yeyak_test_bot' });
    const settings = await alice.api.get<{ settings: { telegramChatId: string } }>('/api/rail/notifications');
    expect(settings.body.data?.settings.telegramChatId).toBe(String(ALICE_CHAT));
  });

  it('tells an unlinked chat how to link, and refuses a wrong or used code', async () => {
    expect(await ask(env, STRANGER_CHAT, '/watches')).toContain('아직 yeyak 계정과 연결되지 않았습니다');
    expect(await ask(env, STRANGER_CHAT, 'hello')).toContain('Telegram 연결');
    expect(await ask(env, STRANGER_CHAT, '/start ABCD2345')).toContain('틀렸거나 만료');
    expect(await ask(env, STRANGER_CHAT, '/start <script>')).toContain('틀렸거나 만료');
    const code = (await bob.api.post<{ code: string }>('/api/rail/telegram/code')).body.data?.code as string;
    expect(await ask(env, BOB_CHAT, `/start ${code}`)).toContain('연결했습니다');
    // Once used, the code links nothing else.
    expect(await ask(env, STRANGER_CHAT, `/start ${code}`)).toContain('틀렸거나 만료');
  });

  it('answers only in private chats', async () => {
    expect(await ask(env, -100_123, '/watches', { chatType: 'group', fromId: ALICE_CHAT })).toContain(
      '1:1 채팅',
    );
  });

  it('/help and unknown text', async () => {
    const help = await ask(env, ALICE_CHAT, '/help');
    for (const c of ['/watches', '/stop 2', '/reservations', '/help']) expect(help).toContain(c);
    expect(await ask(env, ALICE_CHAT, '/start')).toContain('/watches');
    expect(await ask(env, ALICE_CHAT, '안녕하세요')).toContain('알 수 없는 명령');
    expect(await ask(env, ALICE_CHAT, '/frobnicate')).toContain('알 수 없는 명령');
  });

  it('/watches numbers the running watches; /stop N stops that one, only the owner’s', async () => {
    expect(await ask(env, ALICE_CHAT, '/watches')).toBe('감시가 없습니다.');
    const [a, b, c] = [nextSoldOut(), nextSoldOut(), nextSoldOut()];
    const made: WatchView[] = [];
    for (const [api, t] of [
      [alice.api, a],
      [alice.api, b],
      [bob.api, c],
    ] as const) {
      const res = await watchTrain(api, { date, trainNo: t.trainNo });
      expect(res.status).toBe(201);
      made.push(res.body.data?.watch as WatchView);
    }
    const list = await ask(env, ALICE_CHAT, '/watches');
    expect(list).toContain('진행 중인 감시');
    // Waiting, or trying once the shared poll has looked at the train.
    expect(list).toMatch(new RegExp(`1\\. (대기|시도 중) · SRT 수서→부산 .* ${a.trainNo}번`));
    expect(list).toMatch(new RegExp(`2\\. (대기|시도 중) · SRT 수서→부산 .* ${b.trainNo}번`));
    // Bob's watch is not in Alice's chat, and Alice's are not in Bob's.
    expect(list).not.toContain(`${c.trainNo}번`);
    const bobs = await ask(env, BOB_CHAT, '/watches@yeyak_test_bot');
    expect(bobs).toMatch(new RegExp(`1\\. (대기|시도 중) · SRT 수서→부산 .* ${c.trainNo}번`));
    expect(bobs).not.toContain(`${a.trainNo}번`);
    expect(bobs).not.toContain('2.');

    // Bob has one watch: his "/stop 2" reaches nothing, Alice's second watch least of all.
    expect(await ask(env, BOB_CHAT, '/stop 2')).toContain('2번 감시가 없습니다');
    expect((await getWatch(alice.api, made[1].id)).status).toMatch(/waiting|trying/);
    expect(await ask(env, ALICE_CHAT, '/stop')).toContain('/stop 2');
    expect(await ask(env, ALICE_CHAT, '/stop two')).toContain('/stop 2');

    expect(await ask(env, ALICE_CHAT, '/stop 2')).toContain(`감시를 중지했습니다: SRT 수서→부산`);
    expect((await getWatch(alice.api, made[1].id)).status).toBe('stopped');
    expect((await getWatch(alice.api, made[0].id)).status).toMatch(/waiting|trying/);
    expect((await getWatch(bob.api, made[2].id)).status).toMatch(/waiting|trying/);
    const after = await ask(env, ALICE_CHAT, '/watches');
    expect(after).toMatch(new RegExp(`1\\. (대기|시도 중) · .* ${a.trainNo}번`));
    expect(after).toContain('지난 감시');
    expect(after).toMatch(new RegExp(`• 중지 · .* ${b.trainNo}번`));
  });

  it('/reservations lists held ones with the payment deadline', async () => {
    expect(await ask(env, BOB_CHAT, '/reservations')).toContain('열차 예약이 없습니다');
    const t = trains.find((x) => x.general === 'available') as TrainView;
    const res = await alice.api.post<{ reservation: { pnr: string } }>('/api/rail/reserve', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      trainNo: t.trainNo,
      passengers: { adult: 1 },
    });
    expect(res.status).toBe(201);
    const pnr = res.body.data?.reservation.pnr as string;
    const list = await ask(env, ALICE_CHAT, '/reservations');
    expect(list).toContain(`SRT ${t.trainNo} 수서→부산`);
    expect(list).toContain(pnr);
    expect(list).toMatch(/결제 대기 · 결제 기한 \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(한국 시간\)/);
    // Never in Bob's chat.
    expect(await ask(env, BOB_CHAT, '/reservations')).not.toContain(pnr);
  });

  it('answers in the account’s language', async () => {
    expect((await alice.api.patch('/api/auth/profile', { lang: 'en' })).status).toBe(200);
    expect(await ask(env, ALICE_CHAT, '/watches')).toContain('Running watches (to stop one: /stop <number>)');
    expect(await ask(env, ALICE_CHAT, '/reservations')).toMatch(/awaiting payment · pay by .* KST/);
    expect(await ask(env, ALICE_CHAT, 'what')).toContain('Unknown command');
    await alice.api.patch('/api/auth/profile', { lang: 'ko' });
  });

  it('confirms each update with the offset, and an update Telegram sends again is answered once', async () => {
    const tg = env.n.telegram;
    const before = repliesTo(env, ALICE_CHAT).length;
    const { updateId } = await tg.userSays(ALICE_CHAT, '/help');
    await eventually(async () => repliesTo(env, ALICE_CHAT).length === before + 1);
    // The next poll asks from the update after it, which confirms it at Telegram.
    await eventually(async () => tg.polls.some((p) => p.offset === updateId + 1));
    expect(tg.pending()).toBe(0);
    // Telegram forgets the confirmations (as after a lost answer): the next poll gets every update again.
    tg.unconfirm();
    const polled = tg.polls.length;
    await eventually(async () => tg.polls.length >= polled + 2 && tg.pending() === 0);
    expect(repliesTo(env, ALICE_CHAT).length).toBe(before + 1);
    // Long polls: the worker waits at Telegram instead of asking again and again.
    expect(tg.polls.at(-1)?.timeout).toBe(1);
  });

  it('a new link moves the chat: the old account forgets it, unlinking clears the address', async () => {
    // Alice links Bob's chat (she has it now): Bob's notices stop going there.
    const code = (await alice.api.post<{ code: string }>('/api/rail/telegram/code')).body.data
      ?.code as string;
    expect(await ask(env, BOB_CHAT, `/start ${code}`)).toContain('연결했습니다');
    const bobState = await bob.api.get<{ linked: boolean }>('/api/rail/telegram');
    expect(bobState.body.data?.linked).toBe(false);
    const bobSettings = await bob.api.get<{ settings: { telegramChatId: string | null } }>(
      '/api/rail/notifications',
    );
    expect(bobSettings.body.data?.settings.telegramChatId).toBeNull();
    // Her old chat is no longer hers.
    expect(await ask(env, ALICE_CHAT, '/watches')).toContain('연결되지 않았습니다');
    expect(await ask(env, BOB_CHAT, '/watches')).toMatch(/1\. (대기|시도 중)/);

    expect((await alice.api.del('/api/rail/telegram')).status).toBe(200);
    const s = await alice.api.get<{ settings: { telegramChatId: string | null } }>('/api/rail/notifications');
    expect(s.body.data?.settings.telegramChatId).toBeNull();
    expect(await ask(env, BOB_CHAT, '/watches')).toContain('연결되지 않았습니다');
  });
});
