import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { notifySettings } from '../../src/platform/schema.ts';
import { harness } from '../harness.ts';

/** The platform's notification layer alone (no module), a local server standing in for the webhooks. */
describe('platform notify on the module harness', () => {
  let y: Yeyak;
  let stop: () => Promise<void>;
  let server: Server;
  let base: string;
  /** Every request the stand-in received: path and JSON body. */
  const got: { path: string; body: Record<string, unknown> }[] = [];
  /** Paths answered 500 while listed (a webhook that is down). */
  const down = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') });
        if (down.has(req.url ?? '')) {
          res.writeHead(500).end('down');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ y, stop } = await harness([], {
      notify: {
        ...loadConfig({}).notify,
        discordBase: `${base}/discord/`,
        slackBase: `${base}/slack/`,
        telegramApi: `${base}/telegram`,
        telegramToken: 'test-bot-token-1234',
      },
    }));
  });
  afterAll(async () => {
    await stop?.();
    await new Promise((ok) => server.close(ok));
  });

  const user = (name: string) =>
    y.auth.addUser({
      email: `${name}-${Math.random().toString(36).slice(2)}@test.yeyak`,
      password: 'password-123',
      role: 'user',
    });
  const hits = (path: string) => got.filter((g) => g.path === path).length;
  const message = { title: '[yeyak] 알림 / notice', lines: ['첫 줄 / first line', 'second <line>'] };
  const ALL = ['email', 'discord', 'slack', 'telegram', 'kakao'];
  const statuses = (d: { channel: string; status: string }[]) =>
    Object.fromEntries(d.map((x) => [x.channel, x.status]));

  it('sends each channel once per event, even when the event is delivered twice', async () => {
    const u = await user('once');
    await y.ctx.notify.settings.save(u.id, {
      discordWebhook: `${base}/discord/1/once`,
      slackWebhook: `${base}/slack/T/once`,
      telegramChatId: '4242',
    });
    const eventId = crypto.randomUUID();
    const first = await y.ctx.notify.deliver(eventId, u.id, ALL, message, { scope: 'test-notice' });
    expect(statuses(first)).toEqual({
      email: 'sent',
      discord: 'sent',
      slack: 'sent',
      telegram: 'sent',
      kakao: 'not_set_up',
    });
    const again = await y.ctx.notify.deliver(eventId, u.id, ALL, message, { scope: 'test-notice' });
    expect(statuses(again)).toMatchObject({ email: 'already', discord: 'already', slack: 'already' });
    expect(hits('/discord/1/once')).toBe(1);
    expect(hits('/slack/T/once')).toBe(1);
    const telegram = got.filter((g) => g.path === '/telegram/bottest-bot-token-1234/sendMessage');
    expect(telegram.filter((g) => g.body.chat_id === '4242')).toHaveLength(1);
    expect(got.find((g) => g.path === '/discord/1/once')?.body.content).toBe(
      '**[yeyak] 알림 / notice**\n첫 줄 / first line\nsecond <line>',
    );
    const mails = await y.ctx.mailbox.list({ onlyTo: u.email });
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe(message.title);

    // Another event is a new notice.
    await y.ctx.notify.deliver(crypto.randomUUID(), u.id, ['discord'], message, { scope: 'test-notice' });
    expect(hits('/discord/1/once')).toBe(2);
  });

  it('follows each user’s own settings', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    await y.ctx.notify.settings.save(a.id, { discordWebhook: `${base}/discord/1/a` });
    await y.ctx.notify.settings.save(b.id, { email: false, slackWebhook: `${base}/slack/T/b` });
    expect(await y.ctx.notify.channelsOf(a.id)).toEqual(['email', 'discord']);
    expect(await y.ctx.notify.channelsOf(b.id)).toEqual(['slack']);
    const eventId = crypto.randomUUID();
    const toA = await y.ctx.notify.deliver(eventId, a.id, ALL, message, { scope: 'test-notice' });
    const toB = await y.ctx.notify.deliver(eventId, b.id, ALL, message, { scope: 'test-notice' });
    expect(statuses(toA)).toMatchObject({ email: 'sent', discord: 'sent', slack: 'not_set_up' });
    expect(statuses(toB)).toMatchObject({ email: 'not_set_up', discord: 'not_set_up', slack: 'sent' });
    expect(hits('/discord/1/a')).toBe(1);
    expect(hits('/slack/T/b')).toBe(1);
    expect(await y.ctx.mailbox.list({ onlyTo: b.email })).toHaveLength(0);
    // Only the channels asked for: a notice for discord alone mails no one.
    const onlyDiscord = await y.ctx.notify.deliver(crypto.randomUUID(), a.id, ['discord'], message, {
      scope: 'test-notice',
    });
    expect(onlyDiscord.map((d) => d.channel)).toEqual(['discord']);
    // Removing a webhook turns the channel off.
    await y.ctx.notify.settings.save(a.id, { discordWebhook: null });
    expect(await y.ctx.notify.channelsOf(a.id)).toEqual(['email']);
  });

  it('a failing channel does not stop the others, and a later delivery sends only what failed', async () => {
    const u = await user('fail');
    await y.ctx.notify.settings.save(u.id, {
      discordWebhook: `${base}/discord/1/down`,
      slackWebhook: `${base}/slack/T/up`,
    });
    down.add('/discord/1/down');
    const eventId = crypto.randomUUID();
    const first = await y.ctx.notify.deliver(eventId, u.id, ['discord', 'slack', 'email'], message, {
      scope: 'test-notice',
    });
    expect(statuses(first)).toEqual({ email: 'sent', discord: 'failed', slack: 'sent' });
    expect(String(first.find((d) => d.channel === 'discord')?.error)).toMatch(/HTTP 500/);
    down.delete('/discord/1/down');
    const retry = await y.ctx.notify.deliver(eventId, u.id, ['discord', 'slack', 'email'], message, {
      scope: 'test-notice',
    });
    expect(statuses(retry)).toEqual({ email: 'already', discord: 'sent', slack: 'already' });
    expect(hits('/discord/1/down')).toBe(2);
    expect(hits('/slack/T/up')).toBe(1);
  });

  it('delivers to given addresses with a sender of the caller’s own, once per event key', async () => {
    const posts: string[] = [];
    const send = {
      discord: async (url: string) => {
        posts.push(url);
      },
    };
    const key = `registration:some-event:A-1:3`;
    for (let i = 0; i < 2; i++)
      await y.ctx.notify.deliver(key, { discord: `${base}/discord/9/x` }, ['discord'], message, {
        scope: 'test-announce',
        send,
      });
    expect(posts).toEqual([`${base}/discord/9/x`]);
    expect(hits('/discord/9/x')).toBe(0);
  });

  it('never returns or stores a webhook in the clear', async () => {
    const u = await user('secret');
    const webhook = `${base}/discord/123/very-secret-token`;
    const saved = await y.ctx.notify.settings.save(u.id, { discordWebhook: webhook, telegramChatId: '7' });
    const read = await y.ctx.notify.settings.get(u.id);
    for (const s of [saved, read]) {
      expect(s).toMatchObject({ discord: true, slack: false, telegram: true, telegramChatId: '7' });
      expect(JSON.stringify(s)).not.toContain('very-secret-token');
    }
    const rows = await y.ctx.database.db.select().from(notifySettings);
    expect(JSON.stringify(rows)).not.toContain('very-secret-token');
    expect((await y.ctx.notify.settings.addresses(u.id)).discord).toBe(webhook);
  });

  it('names the field of a setting this server cannot use', () => {
    const problems = y.ctx.notify.settings.problems({
      discordWebhook: 'https://evil.example/discord/1/x',
      slackWebhook: `${base}/slack/T/ok`,
    });
    expect(problems).toEqual([
      {
        path: 'body.discordWebhook',
        message: `must start with ${base}/discord/`,
        key: 'notify.webhook_prefix',
        params: { prefix: `${base}/discord/` },
      },
    ]);
  });
});
