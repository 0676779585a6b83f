/**
 * Telegram by webhook: the worker registers it with its secret token; the route refuses a request
 * without the right `X-Telegram-Bot-Api-Secret-Token` (401, nothing said) before reading it; an
 * update Telegram delivers twice is answered once. And the long poll ends at once on shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, eventually } from '../helpers.ts';
import type { RailTestEnv } from './app.ts';
import { repliesTo, telegramRailApp, telegramUser } from './telegram-app.ts';

const SECRET = 'webhook-secret-for-tests_0123456789';
const CHAT = 6_660_001;

describe.each(backends)('Telegram webhook on %s', (backend) => {
  let env: RailTestEnv;

  beforeAll(async () => {
    env = await telegramRailApp(backend, {
      webhookUrl: 'https://yeyak.example/api/telegram/webhook',
      webhookSecret: SECRET,
    });
  });
  afterAll(() => env?.stop());

  it('registers the webhook with the secret token, and polls no more', async () => {
    const tg = env.n.telegram;
    expect(tg.webhook()).toEqual({ url: 'https://yeyak.example/api/telegram/webhook', secret: SECRET });
    expect(tg.polls).toEqual([]);
    // Telegram reaches this server at its public URL; here the stand-in is pointed at the test server.
    tg.moveWebhook(`${env.t.url}/api/telegram/webhook`);
  });

  it('refuses a request without the secret token, or with a wrong one: 401 and nothing more', async () => {
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, chat: { id: CHAT, type: 'private' }, from: { id: CHAT }, text: '/watches' },
    });
    const tries: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong' },
      { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': `${SECRET}x` },
    ];
    for (const headers of tries) {
      const res = await fetch(`${env.t.url}/api/telegram/webhook`, { method: 'POST', headers, body: update });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    }
    // Not even a body it cannot parse is looked at without the secret.
    const bad = await fetch(`${env.t.url}/api/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(401);
    expect(repliesTo(env, CHAT)).toEqual([]);
  });

  it('links and answers through the webhook; a second delivery of an update is answered once', async () => {
    const tg = env.n.telegram;
    const u = await telegramUser(env, CHAT);
    expect((await u.api.get<{ linked: boolean }>('/api/rail/telegram')).body.data?.linked).toBe(true);
    const { updateId, status } = await tg.userSays(CHAT, '/watches');
    expect(status).toBe(200);
    const before = repliesTo(env, CHAT).length;
    expect(repliesTo(env, CHAT).at(-1)).toBe('감시가 없습니다.');
    expect(await tg.redeliver(updateId)).toBe(200);
    expect(await tg.redeliver(updateId, 'not-the-secret')).toBe(401);
    expect(repliesTo(env, CHAT).length).toBe(before);
  });

  it('acknowledges an update it cannot read, so Telegram does not send it again', async () => {
    const res = await fetch(`${env.t.url}/api/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: 'x' }),
    });
    expect(res.status).toBe(200);
  });
});

describe('Telegram long poll at shutdown', () => {
  it('ends the poll in flight at once instead of waiting out its timeout', async () => {
    const env = await telegramRailApp(backends[0], { pollSeconds: 30 });
    const tg = env.n.telegram;
    await eventually(async () => tg.polls.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await env.stop();
    const took = Date.now() - started;
    expect(took).toBeLessThan(5000);
    console.log(`shutdown with a 30 s long poll in flight took ${took} ms`);
  });
});
