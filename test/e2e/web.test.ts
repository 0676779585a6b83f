import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers.ts';

/**
 * The web app driven in a real Chromium against a whole yeyak (PGlite, demo data, built web/dist).
 * `npm run build:web` must have run first (the test command does).
 */

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');
/** Demo posters are stored with this public URL; the browser context forwards it to the test server. */
const PUBLIC_URL = 'http://yeyak.test';
const PASSWORD = 'yeyak-demo';
const STARRY = '별이 빛나는 밤에';

let app: TestApp;
let browser: Browser;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

/** A fresh browser context (own localStorage) whose console errors, page errors and failed requests are kept. */
async function open(lang?: 'ko' | 'en', viewport = { width: 1280, height: 900 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.route(`${PUBLIC_URL}/**`, async (route) => {
    const u = new URL(route.request().url());
    const response = await route.fetch({ url: `${app.url}${u.pathname}${u.search}` });
    await route.fulfill({ response });
  });
  if (lang) {
    await context.addInitScript((l) => {
      if (!localStorage.getItem('yeyak.lang')) localStorage.setItem('yeyak.lang', l);
    }, lang);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors };
}

async function shot(page: Page, name: string, fullPage = true) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage });
}

async function login(page: Page, email: string) {
  await page.goto(`${app.url}/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('user-name').waitFor();
}

/** Every PNG attachment of the mail decoded as a QR code. */
async function qrFromPart(path: string): Promise<string | undefined> {
  const res = await fetch(`${app.url}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('image/png');
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', { publicUrl: PUBLIC_URL }, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('web app', () => {
  it('e-mail to check-in: buy two tickets, get the mail with the QR code, check in once', async () => {
    // ---- the buyer holds two R seats of the first showtime and confirms
    const buyer = await open('ko');
    const { page } = buyer;
    await login(page, 'user@yeyak.local');
    expect(await page.getByTestId('user-name').innerText()).toContain('회원');
    await page.goto(`${app.url}/`);
    const card = page.getByTestId('event-card').filter({ hasText: STARRY });
    await card.waitFor();
    await page.getByTestId('event-card').filter({ hasText: '인디 밴드' }).getByText('매진').first().waitFor();
    await shot(page, 'ko-01-events');
    await card.click();
    await page.waitForURL(/\/events\/PF132236$/);
    const row = page.getByTestId('showtime').first().getByTestId('ticket-row').filter({ hasText: 'R석' });
    await row.getByText('110,000원').waitFor();
    await row.locator('select').selectOption('2');
    await shot(page, 'ko-02-event');
    await row.getByRole('button', { name: '좌석 잡기' }).click();

    await page.waitForURL(/\/holds\/[0-9a-f-]{36}/);
    const countdown = page.getByTestId('countdown');
    const first = await countdown.innerText();
    expect(first).toMatch(/^\d{2}:\d{2}$/);
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid=countdown]')?.textContent !== before,
      first,
      { timeout: 5000 },
    );
    expect(await countdown.innerText()).toMatch(/^(19|20):\d{2}$/);
    await page.getByText('220,000원').waitFor();
    await shot(page, 'ko-03-hold');
    await page.getByRole('button', { name: '예매 확정' }).click();
    await page.getByTestId('hold-confirmed').waitFor();
    await shot(page, 'ko-04-confirmed');

    await page.getByRole('link', { name: '내 티켓 보기' }).click();
    await page.waitForURL(/\/my\/tickets$/);
    const ticket = page.getByTestId('ticket').filter({ hasText: STARRY });
    await ticket.getByTestId('ticket-qr').waitFor();
    expect(await ticket.innerText()).toContain('R석 × 2');
    expect(await ticket.innerText()).toContain('예매 완료');
    const ticketCode = (await ticket.getByTestId('ticket-code').innerText()).trim();
    expect(ticketCode).toMatch(/^YQ1\.\d+\.[A-Za-z0-9_-]{22}$/);
    await shot(page, 'ko-05-my-tickets');

    // ---- the ticket mail reaches the mailbox; its inline QR code is the code on My tickets
    await page.goto(`${app.url}/mailbox`);
    const mail = page.getByTestId('mail-item').filter({ hasText: `예매 확인 · 뮤지컬 〈${STARRY}〉` });
    const until = Date.now() + 20_000;
    while ((await mail.count()) === 0) {
      if (Date.now() > until) throw new Error('the ticket mail did not arrive');
      await page.waitForTimeout(300);
      await page.getByRole('button', { name: /새로고침/ }).click();
    }
    await mail.first().click();
    const view = page.getByTestId('mail-view');
    await view.waitFor();
    expect(await view.innerText()).toContain('user@yeyak.local');
    // The mail's HTML shows the QR image inline in the sandboxed frame.
    const frame = page.frameLocator('iframe.mail-frame');
    const inlineQr = frame.locator('img[src^="data:image/png"]').first();
    await inlineQr.waitFor();
    await expect
      .poll(() => inlineQr.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    const png = view.locator('[data-testid=attachment][data-content-type="image/png"]');
    await png.first().waitFor();
    const partPath = await png.first().getAttribute('data-part');
    expect(partPath).toMatch(/^\/api\/mailbox\/\d+\/parts\/\d+$/);
    expect(await qrFromPart(partPath!)).toBe(ticketCode);
    await shot(page, 'ko-06-mailbox');
    expect(buyer.errors).toEqual([]);
    await buyer.context.close();

    // ---- the organiser checks the ticket in: once fine, then already, and a forged code is refused
    const staff = await open('ko');
    const sp = staff.page;
    await login(sp, 'organizer@yeyak.local');
    await sp.getByRole('link', { name: '공연 관리' }).click();
    const orgEvent = sp.getByTestId('org-event').filter({ hasText: STARRY });
    await orgEvent.waitFor();
    await shot(sp, 'ko-07-organizer');
    await orgEvent.getByRole('link', { name: '입장 확인' }).click();
    await sp.waitForURL(/\/organizer\/events\/[0-9a-f-]{36}\/checkin$/);
    const input = sp.locator('input[name=qr]');
    const result = sp.getByTestId('checkin-result');
    const check = async (code: string, expected: string) => {
      await input.fill(code);
      await sp.getByRole('button', { name: '확인', exact: true }).click();
      await sp.locator(`[data-testid=checkin-result][data-result="${expected}"]`).waitFor();
      await expect.poll(() => input.inputValue()).toBe('');
    };

    await check(ticketCode, 'checked-in');
    expect(await result.innerText()).toContain('입장 확인 완료');
    expect(await result.innerText()).toContain('R석 × 2');
    await shot(sp, 'ko-08-checkin-ok');

    await check(ticketCode, 'already');
    expect(await result.innerText()).toContain('이미 입장한 티켓');
    expect(await result.innerText()).toMatch(/에 이미 입장했습니다/);
    await shot(sp, 'ko-09-checkin-already');

    const forged = `${ticketCode.slice(0, -1)}${ticketCode.endsWith('A') ? 'B' : 'A'}`;
    await check(forged, 'invalid');
    expect(await result.innerText()).toContain('유효하지 않은 티켓');
    await shot(sp, 'ko-10-checkin-forged');

    // The sales page counts the two checked-in tickets.
    await sp.getByRole('link', { name: '판매 현황' }).click();
    await sp.getByTestId('totals').waitFor();
    expect(await sp.getByTestId('checked-in-total').innerText()).toBe('2');
    await shot(sp, 'ko-11-sales');

    // Only the forged code's refusal (422 from /api/checkin, logged by Chromium) may show up as an error.
    const unexpected = staff.errors.filter((e) => !/422/.test(e) || !/\/api\/checkin/.test(e));
    expect(unexpected).toEqual([]);
    await staff.context.close();
  });

  it('speaks English when switched, remembers it, and logs no console errors', async () => {
    const w = await open();
    const { page } = w;
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { name: '공연', exact: true }).waitFor();
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('yeyak.lang'))).toBe('en');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.reload();
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    await page
      .getByTestId('event-card')
      .filter({ hasText: '인디 밴드' })
      .getByText('Sold out')
      .first()
      .waitFor();
    await shot(page, 'en-01-events');

    await page.getByTestId('event-card').filter({ hasText: '인디 밴드' }).click();
    await page.getByRole('link', { name: 'Log in to buy tickets' }).waitFor();
    await page.getByText('Sold out').first().waitFor();
    await page.getByText('₩30,000').waitFor();
    await shot(page, 'en-02-event-soldout');

    await page.goto(`${app.url}/login`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(page, 'en-03-login');
    await page.goto(`${app.url}/signup`);
    await page.getByRole('heading', { name: 'Sign up' }).waitFor();

    await login(page, 'user@yeyak.local');
    await page.goto(`${app.url}/events/PF300003`);
    const row = page.getByTestId('ticket-row').first();
    await row.getByRole('button', { name: 'Join waiting list' }).click();
    await row.getByText('You are on the waiting list').waitFor();
    await page.goto(`${app.url}/my/tickets`);
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    const entry = page.getByTestId('waitlist-entry').first();
    await entry.getByText('Position 1').waitFor();
    await page.getByTestId('ticket').first().waitFor();
    await shot(page, 'en-04-my-tickets');
    await entry.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('dialog').getByText('Leave the waiting list?').waitFor();
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('You are not waiting for anything.').waitFor();

    await page.goto(`${app.url}/mailbox`);
    await page.getByRole('heading', { name: 'Mailbox' }).waitFor();
    await page.getByTestId('mail-item').first().click();
    await page.getByTestId('mail-view').getByText('From').waitFor();
    await shot(page, 'en-05-mailbox');

    await page.getByRole('button', { name: 'Log out' }).click();
    await login(page, 'organizer@yeyak.local');
    await page.goto(`${app.url}/organizer`);
    await page.getByRole('heading', { name: 'Organiser' }).waitFor();
    await page.getByTestId('org-event').first().waitFor();
    await shot(page, 'en-06-organizer');
    await page
      .getByTestId('org-event')
      .filter({ hasText: '재즈' })
      .getByRole('link', { name: 'Sales' })
      .click();
    await page.getByRole('heading', { name: 'Totals per ticket type' }).waitFor();
    await shot(page, 'en-07-sales');
    await page.getByRole('link', { name: 'Check-in' }).first().click();
    await page.getByRole('button', { name: 'Start camera' }).waitFor();
    await shot(page, 'en-08-checkin');

    expect(await page.locator('body').innerText()).not.toMatch(/좌석 잡기|로그인|메일함|입장 확인/);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });
});
