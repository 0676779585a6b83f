import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createYeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { PG_CLEARING } from '../../src/modules/consult/wallet.ts';
import { modules } from '../../src/modules.ts';
import { selectRows } from '../../src/platform/db.ts';
import { login, TEST_OUTBOUND_ALLOW, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The chat story in Chromium: the user opens a chat from a counselor, the counselor answers and sends
 * a payment request, the user pays it on the purchase page, the counselor marks it done. Desktop in
 * Korean, phone in English; screenshots in /tmp/shots-consult-chat.
 */

const shots = '/tmp/shots-consult-chat';
let app: TestApp;
let browser: Browser;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en', viewport: { width: number; height: number }, token: string) {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.addInitScript(
    ([l, tk]) => {
      localStorage.setItem('yeyak.lang', l);
      localStorage.setItem('yeyak.token', tk);
    },
    [lang, token],
  );
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors } satisfies Watched;
}

/** What the reader sees: the viewport, scrolled to the end (the composer and tab bar are sticky). */
const shot = shooter(shots, { at: 'bottom', fullPage: false, settleMs: 300 });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const config = {
    ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'warn', YEYAK_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW }),
    dataDir: 'memory://',
    port: 0,
    host: '127.0.0.1',
    retryBaseMs: 200,
  };
  const y = await createYeyak(config, {
    logger: createLogger('warn'),
    pollingIntervalSeconds: 0.5,
    serveWeb: true,
    modules,
  });
  await y.start();
  await y.listen();
  const address = y.app?.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  config.publicUrl = url;
  app = { y, config, url, stop: () => y.stop() };
  // Polls every second here, so the test waits less for news.
  await y.ctx.settings.update(null, { values: { 'consult.chatPollSeconds': 1 } });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 800 },
    send: '보내기',
    newRequest: '결제 요청 보내기',
    paid: '결제 완료',
    completed: '상담 완료',
    yes: '예',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    send: 'Send',
    newRequest: 'Send a payment request',
    paid: 'Paid',
    completed: 'Completed',
    yes: 'Yes',
  },
] as const;

let code = 600;

describe.each(cases)('consult chat story ($name)', (c) => {
  it('chat, request, pay, complete', async () => {
    const y = app.y;
    const user = await login(app);
    const coun = await login(app);
    const lineCode = String(++code);
    await y.consult.counselors.applyLines([
      {
        code: lineCode,
        name: c.lang === 'ko' ? '달빛도사' : 'Moonlight',
        ratePer30s: 900,
        grade: 'GOLD',
        status: 'online',
      },
    ]);
    const [row] = await selectRows<{ id: string }>(
      y.ctx.database.db,
      sql`select id from consult_counselors where code = ${lineCode}`,
    );
    const counselorId = row?.id as string;
    const [ids] = await selectRows<{ u: string; c: string }>(
      y.ctx.database.db,
      sql`select (select id from users where email = ${user.email}) as u, (select id from users where email = ${coun.email}) as c`,
    );
    await y.consult.counselors.link(counselorId, ids?.c as string);
    const wallet = await y.consult.wallet.accounts(ids?.u as string);
    const clearing = await y.ctx.ledger.system(PG_CLEARING);
    await y.ctx.ledger.transfer({
      id: `e2e:fund:${ids?.u}`,
      debitAccountId: clearing.id,
      creditAccountId: wallet.paid.id,
      amount: 30_000,
      kind: 'test',
    });
    const made = await coun.api.post('/api/consult/me/items', {
      kind: 'chat',
      title: c.lang === 'ko' ? '채팅 사주 상담 30분' : 'Chat reading, 30 min',
      price: 15_000,
    });
    expect(made.status).toBe(201);

    const u = await open(c.lang, c.viewport, user.token);
    const k = await open(c.lang, c.viewport, coun.token);

    // The user opens the chat from the counselor and writes (markup stays text).
    await u.page.goto(`${app.url}/consult/counselors/${counselorId}/chat`);
    await u.page.waitForURL(/\/consult\/chats\/[0-9a-f-]+$/);
    const text =
      c.lang === 'ko' ? '안녕하세요 <b>목요일</b> 가능할까요?' : 'Hello <b>Thursday</b>, are you free?';
    await u.page.getByTestId('chat-input').fill(text);
    await u.page.getByTestId('chat-send').click();
    await expect.poll(() => u.page.getByTestId('chat-message').last().innerText()).toContain(text);
    expect(await u.page.locator('.chat-text b').count()).toBe(0);

    // The counselor sees it unread in the list, opens it and sends a request.
    await k.page.goto(`${app.url}/consult/chats`);
    await k.page.getByTestId('chat-unread').first().waitFor();
    await shot(k.page, `${c.name}-1-counselor-list`);
    await k.page.getByTestId('chat-list-item').first().click();
    await expect.poll(() => k.page.getByTestId('chat-message').last().innerText()).toContain(text);
    await k.page.getByTestId('request-open').click();
    await k.page.getByTestId('request-item').waitFor();
    await k.page.getByTestId('request-send').click();
    await k.page.getByTestId('request-card').waitFor();
    await shot(k.page, `${c.name}-2-counselor-request`);

    // The user's room shows the card by polling; pay goes to the purchase page.
    await u.page.getByTestId('request-pay').click();
    await u.page.getByTestId('pay-page').waitFor();
    expect(await u.page.getByTestId('pay-after').innerText()).toMatch(/15,000/);
    await shot(u.page, `${c.name}-3-user-pay`);
    await u.page.getByTestId('pay-button').click();
    await u.page.getByTestId('pay-done').waitFor();
    await shot(u.page, `${c.name}-4-user-paid`);

    // The counselor's card turns paid; they mark it done.
    await expect
      .poll(() => k.page.getByTestId('request-card').last().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('paid');
    await k.page.getByTestId('request-complete').click();
    await k.page.getByRole('button', { name: c.yes, exact: true }).click();
    await expect
      .poll(() => k.page.getByTestId('request-card').last().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('completed');
    await shot(k.page, `${c.name}-5-counselor-completed`);
    await u.page
      .getByRole('link', { name: c.lang === 'ko' ? '채팅으로 돌아가기' : 'Back to the chat' })
      .click();
    await expect
      .poll(() => u.page.getByTestId('request-card').last().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('completed');
    await shot(u.page, `${c.name}-6-user-room`);

    const [req] = await selectRows<{ state: string; closed_at: unknown }>(
      y.ctx.database.db,
      sql`select state, closed_at from consult_requests where counselor_id = ${counselorId}`,
    );
    expect(req?.state).toBe('completed');
    expect(req?.closed_at).toBeTruthy();
    expect((await y.ctx.ledger.check()).ok).toBe(true);
    expect(u.errors).toEqual([]);
    expect(k.errors).toEqual([]);
    await u.context.close();
    await k.context.close();

    // The counselor's items page and the admins' chats page, reported rooms first.
    const k2 = await open(c.lang, c.viewport, coun.token);
    await k2.page.goto(`${app.url}/consult/me/items`);
    await k2.page.getByTestId('item-form').first().waitFor();
    await k2.page.getByTestId('item-form').first().locator('input[name=price]').fill('16000');
    await k2.page
      .getByTestId('item-form')
      .first()
      .getByRole('button', { name: c.lang === 'ko' ? '저장' : 'Save' })
      .click();
    await k2.page.getByText(c.lang === 'ko' ? '저장했습니다.' : 'Saved.').waitFor();
    await shot(k2.page, `${c.name}-7-counselor-items`);
    await k2.page.evaluate(() => window.scrollTo(0, 0));
    await k2.page.screenshot({ path: `${shots}/${c.name}-7-counselor-items-top.png` });
    await expectAccessible(k2.page, `${c.name}-7-counselor-items-top`);
    const [room] = await selectRows<{ id: string }>(
      y.ctx.database.db,
      sql`select id from consult_rooms where counselor_id = ${counselorId}`,
    );
    expect(
      (await user.api.post(`/api/consult/chat/rooms/${room?.id}/reports`, { reason: '<i>spam</i>' })).status,
    ).toBe(201);
    const admin = await login(app, 'admin');
    const a = await open(c.lang, c.viewport, admin.token);
    await a.page.goto(`${app.url}/consult/admin/chats`);
    await a.page.getByTestId('admin-chat-list').waitFor();
    await shot(a.page, `${c.name}-8-admin-chats`);
    await a.page.locator('.chat-list-item').first().click();
    await a.page.getByText('<i>spam</i>').waitFor();
    await shot(a.page, `${c.name}-9-admin-room`);
    expect(k2.errors).toEqual([]);
    expect(a.errors).toEqual([]);
    await k2.context.close();
    await a.context.close();
  }, 120_000);
});
