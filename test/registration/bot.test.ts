import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSim } from '../../sims/discord/index.ts';
import { startKktixSim } from '../../sims/kktix/index.ts';
import { createEvent, eventually, login, startApp, type TestApp } from '../helpers.ts';

/** The /event bot through the real route: sale state, unlimited tickets, the server's language, length. */
describe('the /event bot as organisers asked for it', () => {
  let kktix: Awaited<ReturnType<typeof startKktixSim>>;
  let discord: Awaited<ReturnType<typeof startDiscordSim>>;
  let t: TestApp;
  let url: string;
  const content = (r: { response: unknown }) =>
    String((r.response as { data?: { content?: string } }).data?.content ?? '');

  beforeAll(async () => {
    kktix = await startKktixSim({ seed: 5, events: [{ id: 7001, name: 'Past conf', attendees: 8 }] });
    discord = await startDiscordSim();
    t = await startApp('pglite', {
      secret: 'bot-test-secret-0123456789abcdefghijklmn',
      registrationKktixIntervalMs: 0,
      discord: { publicKey: discord.publicKeyHex, applicationId: discord.applicationId, apiUrl: discord.api },
    });
    url = `${t.url}/api/discord/interactions`;
    const org = await login(t, 'organizer');
    const live = await createEvent(org.api, { ticketTypes: [{ name: 'VIP', price: 1000, quota: 5 }] });
    const made = await org.api.post('/api/registration/events', {
      slug: 'live',
      name: 'Live show',
      source: 'tickets',
      ticketsEventId: live.id,
      discordGuildId: discord.guildId,
    });
    expect(made.status).toBe(201);
    // A KKTIX event whose start has passed: it has ended; only one ticket type has a known quota.
    const past = await org.api.post<{ event: { id: string } }>('/api/registration/events', {
      slug: 'past',
      name: 'Past conf',
      source: 'kktix',
      kktix: { baseUrl: kktix.url, eventId: '7001', token: kktix.token() },
      startsAt: new Date(Date.now() - 86_400_000).toISOString(),
      quotas: { 'Regular 一般票': 500 },
      discordGuildId: discord.guildId,
    });
    expect(past.status).toBe(201);
    const id = past.body.data!.event.id;
    await eventually(async () => {
      const got = await org.api.get<{ event: { sync: { lastOkAt: string | null } } }>(
        `/api/registration/events/${id}`,
      );
      return got.body.data!.event.sync.lastOkAt ?? undefined;
    });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await kktix?.close();
    await discord?.close();
  });

  it('lists the events with their sale state, on sale first', async () => {
    const list = await discord.command(url, 'list');
    expect(list.acknowledged).toBe(true);
    const lines = content(list).split('\n');
    expect(lines[0]).toMatch(/^• `live` Live show: on sale · 0 sold$/);
    expect(lines[1]).toMatch(/^• `past` Past conf: ended · \d+ sold$/);
  });

  it('answers in the server language: 開賣中 / 已結束 and 不限 in zh-TW, Korean, English otherwise', async () => {
    const zh = await discord.command(url, 'status', { slug: 'past' }, { guildLocale: 'zh-TW' });
    expect(content(zh)).toMatch(/^\*\*Past conf\*\* \(已結束\): 已售 \d+ 張/);
    expect(content(zh)).toMatch(/Regular 一般票: 已售 \d+ 張 \/ 共 500 張/);
    expect(content(zh)).toMatch(/: 已售 \d+ 張 \/ 不限/);
    const zhList = await discord.command(url, 'list', {}, { guildLocale: 'zh-TW' });
    expect(content(zhList)).toMatch(/`live` Live show: 開賣中/);
    expect(content(zhList)).toMatch(/`past` Past conf: 已結束/);

    const ko = await discord.command(url, 'status', { slug: 'past' }, { guildLocale: 'ko', locale: 'en-US' });
    expect(content(ko)).toMatch(/\(판매 종료\)/);
    expect(content(ko)).toMatch(/무제한/);
    expect(content(ko)).toMatch(/총 500장/);

    // The server's language wins over the user's; an unsupported one falls back to English.
    const fr = await discord.command(url, 'status', { slug: 'live' }, { guildLocale: 'fr', locale: 'ko' });
    expect(content(fr)).toMatch(/^\*\*Live show\*\* \(on sale\): 0 sold/);
    expect(content(fr)).toMatch(/VIP: 0 sold \/ 5 total/);
    const en = await discord.command(url, 'status', { slug: 'past' });
    expect(content(en)).toMatch(/unlimited/);

    // Errors too, and in a DM the user's own language.
    const unknown = await discord.command(url, 'status', { slug: 'nope' }, { guildLocale: 'zh-TW' });
    expect(content(unknown)).toBe('⚠️ 找不到活動代號 `nope`');
    const tooLong = await discord.command(
      url,
      'report',
      { slug: 'live', from: '2025-01-01', to: '2026-01-01' },
      { guildLocale: 'ko' },
    );
    expect(content(tooLong)).toMatch(/최대 92일/);
    const dm = await discord.command(url, 'list', {}, { guildId: null, locale: 'ko' });
    expect(content(dm)).toMatch(/서버에서/);
  });

  it('keeps every answer within 2,000 characters (a 3,000-character slug)', async () => {
    const slug = 'x'.repeat(3000);
    for (const guildLocale of ['en-US', 'zh-TW', 'ko']) {
      const res = await discord.command(url, 'status', { slug }, { guildLocale });
      expect(res.acknowledged).toBe(true);
      expect(content(res).length).toBeLessThanOrEqual(2000);
      expect(content(res)).toMatch(/x…`$/);
    }
  });
});
