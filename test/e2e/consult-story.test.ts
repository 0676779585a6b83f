import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ACCOUNTS } from '../../sims/oauth/accounts.ts';
import { createLogger, createYeyak, type Yeyak } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { selectRows } from '../../src/platform/db.ts';
import { client } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The story in Chromium against a demo yeyak (every outside service is its stand-in inside
 * yeyak): a user signs in with Kakao (/sim/oauth), buys points (Payletter stand-in), opens a chat with
 * the demo counselor (101, counselor@yeyak.local), who sends a payment request; the user pays it, the
 * counselor completes it, the user writes a review. Then a phone consultation: the user starts it on
 * the call page, the 060 stand-in's simulator places the call, the call page shows the bill.
 * Desktop in Korean, phone in English. Screenshots: /tmp/shots-consult-story/. `npm run build:web` first.
 */

const shots = '/tmp/shots-consult-story';
let y: Yeyak;
let base: string;
let browser: Browser;
let counselorId: string;
let counselorToken: string;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function open(
  lang: 'ko' | 'en',
  viewport: { width: number; height: number },
  token?: string,
): Promise<Watched> {
  const context = await browser.newContext({
    viewport,
    locale: lang === 'en' ? 'en-GB' : 'ko-KR',
    ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}),
  });
  await context.addInitScript(
    ([l, tk]) => {
      try {
        localStorage.setItem('yeyak.lang', l);
        if (tk) localStorage.setItem('yeyak.token', tk);
      } catch {
        // sandboxed frames have no storage
      }
    },
    [lang, token ?? ''],
  );
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const watch = (p: Page) => {
    p.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    p.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text()))
        errors.push(`console: ${msg.text()}`);
    });
    p.on('response', (res) => {
      if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
    });
  };
  watch(page);
  context.on('page', watch);
  return { page, context, errors };
}

/** What the reader sees, top to bottom. */
const shot = shooter(shots, { settleMs: 250 });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // A demo server on a known address: its stand-ins and their callbacks use PUBLIC_URL.
  const config = {
    ...loadConfig({
      YEYAK_DEMO: '1',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: base,
      PORT: String(port),
      HOST: '127.0.0.1',
    }),
    dataDir: 'memory://',
    retryBaseMs: 200,
  };
  y = await createYeyak(config, {
    logger: createLogger('warn'),
    serveWeb: true,
    pollingIntervalSeconds: 0.5,
  });
  await y.start();
  await y.listen();
  await y.ctx.settings.update(null, { values: { 'consult.chatPollSeconds': 1 } });
  const [row] = await selectRows<{ id: string }>(
    y.ctx.database.db,
    sql`select id from consult_counselors where code = '101'`,
  );
  counselorId = row?.id as string;
  const res = await client(base).post<{ token: string }>('/api/auth/login', {
    email: 'counselor@yeyak.local',
    password: 'yeyak-demo',
  });
  counselorToken = res.body.data?.token as string;
  expect(counselorToken).toBeTruthy();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await y?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 800 },
    kakao: '카카오로 계속하기',
    account: SIM_ACCOUNTS.kakao[0],
    credited: '50,000P가 충전되었습니다.',
    yes: '예',
    sendReview: '후기 올리기',
    reviewSent: '후기를 올렸습니다',
    phone: '010-5555-0101',
    remaining: '15분 0초',
    billed: '2분 0초',
    used: '6,000P',
    returned: '39,000P',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    kakao: 'Continue with Kakao',
    account: SIM_ACCOUNTS.kakao[1],
    credited: '50,000 P added to your points.',
    yes: 'Yes',
    sendReview: 'Post review',
    reviewSent: 'Review posted',
    phone: '010-5555-0202',
    remaining: '15 min 0 s',
    billed: '2 min 0 s',
    used: '6,000 P',
    returned: '39,000 P',
  },
] as const;

describe.each(cases)('the consult story in Chromium ($name)', (c) => {
  it('Kakao sign-in, points, chat, request, pay, complete, review; then a simulated phone call', async () => {
    const u = await open(c.lang, c.viewport);
    const { page } = u;

    // 1. Kakao through the stand-in, back at the shop.
    await page.goto(`${base}/login?next=${encodeURIComponent('/consult/points')}`);
    await page.getByRole('button', { name: c.kakao }).click();
    await page.waitForURL(/\/sim\/oauth\//);
    await shot(page, `${c.name}-01-kakao`);
    await page.locator(`[data-account="${c.account.id}"]`).click();
    await page.waitForURL(`${base}/consult/points`);
    await expect.poll(() => page.getByTestId('user-name').first().textContent()).toContain(c.account.name);

    // 2. Points through the Payletter stand-in: 50,000 + 7,000 bonus, beside the 3,000 sign-up bonus.
    const card = page.getByTestId('point-item').filter({ hasText: '5만원' });
    await card.waitFor();
    await shot(page, `${c.name}-02-shop`);
    await card.getByTestId('point-item-buy').click();
    await page.waitForURL(/\/pgsvc\/hub\.asp/);
    await page.getByTestId('payletter-pay').click();
    await page.waitForURL(/\/consult\/points\/result\/[0-9a-f-]{36}$/);
    await page.getByTestId('points-credited').getByText(c.credited).waitFor();
    await shot(page, `${c.name}-03-credited`);

    // 3. A chat with the demo counselor.
    await page.goto(`${base}/consult/counselors/${counselorId}/chat`);
    await page.waitForURL(/\/consult\/chats\/[0-9a-f-]+$/);
    const roomUrl = page.url();
    const hello = c.lang === 'ko' ? '안녕하세요, 이번 주 상담 가능할까요?' : 'Hello, are you free this week?';
    await page.getByTestId('chat-input').fill(hello);
    await page.getByTestId('chat-send').click();
    await expect.poll(() => page.getByTestId('chat-message').last().innerText()).toContain(hello);

    // 4. The counselor answers with a payment request for the chat item (15,000 P).
    const k = await open(c.lang, c.viewport, counselorToken);
    await k.page.goto(`${base}/consult/chats`);
    await k.page.getByTestId('chat-list').waitFor();
    await shot(k.page, `${c.name}-04-counselor-chats`);
    await k.page.goto(roomUrl);
    await expect.poll(() => k.page.getByTestId('chat-message').last().innerText()).toContain(hello);
    await k.page.getByTestId('request-open').click();
    const select = k.page.getByTestId('request-item');
    await select.waitFor();
    const value = await select.locator('option').filter({ hasText: '15,000' }).first().getAttribute('value');
    await select.selectOption(value as string);
    await k.page.getByTestId('request-send').click();
    await k.page.getByTestId('request-card').waitFor();
    await shot(k.page, `${c.name}-05-counselor-request`);

    // 5. The user pays it from the card.
    await page.getByTestId('request-pay').click();
    await page.getByTestId('pay-page').waitFor();
    expect(await page.getByTestId('pay-after').innerText()).toMatch(/45,000/);
    await shot(page, `${c.name}-06-pay`);
    await page.getByTestId('pay-button').click();
    await page.getByTestId('pay-done').waitFor();

    // 6. The counselor marks it done.
    await expect
      .poll(() => k.page.getByTestId('request-card').last().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('paid');
    await k.page.getByTestId('request-complete').click();
    await k.page.getByRole('button', { name: c.yes, exact: true }).click();
    await expect
      .poll(() => k.page.getByTestId('request-card').last().getAttribute('data-state'), { timeout: 15_000 })
      .toBe('completed');
    await shot(k.page, `${c.name}-07-counselor-completed`);

    // 7. The review.
    await page.goto(`${base}/consult/reviews`);
    await page.getByRole('button', { name: '5', exact: true }).click();
    const review = c.lang === 'ko' ? `친절하고 정확한 상담 ${c.name}` : `Kind and clear ${c.name}`;
    await page.locator('textarea').fill(review);
    await shot(page, `${c.name}-08-review`);
    await page.getByRole('button', { name: c.sendReview }).click();
    await page.getByText(c.reviewSent).waitFor();
    await page.goto(`${base}/consult/counselors/${counselorId}`);
    await page.getByTestId('reviews').getByText(review).waitFor();

    // 8. A phone consultation: the call page, started from the counselor's profile.
    await page.goto(`${base}/consult/counselors/${counselorId}/call`);
    await page.getByTestId('call-start').waitFor();
    expect(await page.getByTestId('call-balance').innerText()).toContain('45,000');
    expect(await page.getByTestId('call-minimum').innerText()).toContain('30,000');
    expect(await page.getByTestId('call-buys').innerText()).toBe(c.remaining);
    await page.getByTestId('call-phone').fill(c.phone);
    await shot(page, `${c.name}-09-call-start`);
    await page.getByTestId('call-start-button').click();
    await page.waitForURL(/\/consult\/calls\/[0-9a-f-]{36}$/);
    await page.getByTestId('call-dial').waitFor();
    expect(await page.getByTestId('call-code').innerText()).toBe('101');
    expect(await page.getByTestId('call-remaining').innerText()).toBe(c.remaining);
    expect(await page.getByTestId('call-window').innerText()).toMatch(/(2\d|30):\d\d/);
    await shot(page, `${c.name}-10-call-dial`);

    // 9. The 060 stand-in's simulator (linked from the page in demo mode) places a 95-second call.
    const [sim] = await Promise.all([
      u.context.waitForEvent('page'),
      page.getByTestId('call-simulate').click(),
    ]);
    await sim.waitForLoadState();
    expect(await sim.locator('#phone').inputValue()).toBe(c.phone.replaceAll('-', ''));
    expect(await sim.locator('#code').inputValue()).toBe('101');
    await sim.locator('#seconds').fill('95');
    await sim.getByTestId('phone060-call').click();
    await sim.getByTestId('phone060-billed').waitFor();
    expect(await sim.getByTestId('phone060-billed').innerText()).toContain('120');
    await shot(sim, `${c.name}-11-simulator`);
    await sim.close();

    // 10. The call page turns into the bill by itself.
    await page.getByTestId('call-ended').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('call-billed').innerText()).toBe(c.billed);
    expect(await page.getByTestId('call-used').innerText()).toBe(c.used);
    expect(await page.getByTestId('call-returned').innerText()).toBe(c.returned);
    expect(await page.getByTestId('call-demo').count()).toBe(0);
    await shot(page, `${c.name}-12-call-bill`);

    // Someone else's call: the page says it is not there and stops asking (one 404, not a retry loop).
    await k.page.goto(page.url());
    await k.page.getByTestId('call-gone').waitFor();
    await k.page.waitForTimeout(3_000);
    const notMine = k.errors.filter((e) => /http 404: GET .*\/api\/consult\/calls\//.test(e));
    expect(notMine).toHaveLength(1);
    k.errors.splice(0, k.errors.length, ...k.errors.filter((e) => !notMine.includes(e)));

    const [who] = await selectRows<{ id: string }>(
      y.ctx.database.db,
      sql`select user_id as id from consult_calls where phone = ${c.phone.replaceAll('-', '')}`,
    );
    expect(await y.consult.wallet.balance(who?.id as string)).toMatchObject({ available: 39_000, held: 0 });
    expect((await y.ctx.ledger.check()).ok).toBe(true);
    expect(u.errors).toEqual([]);
    expect(k.errors).toEqual([]);
    await u.context.close();
    await k.context.close();
  }, 180_000);
});
