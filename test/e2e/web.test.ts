import { mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The web app driven in a real Chromium against a whole yeyak (PGlite, demo data, built web/dist).
 * `npm run build:web` must have run first (the test command does).
 */

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: Decode =
  (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');
const PASSWORD = 'yeyak-demo';
const STARRY = '별이 빛나는 밤에';

let app: TestApp;
let browser: Browser;
let proxy: Server;
/** Where the browser goes: the public URL (the forwarding server), so mail links and posters share its origin. */
let web: string;

/**
 * The app listens on a port chosen at start, but demo posters and mail links are made from PUBLIC_URL
 * before that. A small forwarding server on a port known beforehand stands in for the public address.
 */
async function startProxy(): Promise<string> {
  proxy = createServer((req, res) => {
    const target = new URL(req.url ?? '/', app.url);
    const out = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

type Watched = { page: Page; context: BrowserContext; errors: string[] };

/** A fresh browser context (own localStorage) whose console errors, page errors and failed requests are kept. */
async function open(lang?: 'ko' | 'en', viewport = { width: 1280, height: 900 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  if (lang) {
    await context.addInitScript((l) => {
      try {
        if (!localStorage.getItem('yeyak.lang')) localStorage.setItem('yeyak.lang', l);
      } catch {
        // sandboxed frames (the mail view) have no storage
      }
    }, lang);
  }
  const errors: string[] = [];
  // Every page of the context is watched, popups (links opened from a mail) too.
  context.on('page', (p) => watch(p, errors));
  const page = await context.newPage();
  return { page, context, errors };
}

function watch(page: Page, errors: string[]) {
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is a request given up because the page moved on (an image still loading), not an error.
    const why = req.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) errors.push(`requestfailed: ${req.url()} ${why}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
}

const shot = shooter(shots);

async function login(page: Page, email: string) {
  await page.goto(`${web}/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('user-name').waitFor();
}

/** Waits for a mail to be listed, pressing the mailbox's refresh button meanwhile. */
async function waitForMail(page: Page, item: ReturnType<Page['locator']>) {
  const until = Date.now() + 20_000;
  while ((await item.count()) === 0) {
    if (Date.now() > until) throw new Error('the mail did not arrive');
    await page.waitForTimeout(300);
    await page.locator('.mailbox .page-head button').click();
  }
}

/** A PNG attachment of the mail decoded as a QR code, fetched as the page's logged-in user (mail is private). */
async function qrFromPart(page: Page, path: string): Promise<string | undefined> {
  const token = await page.evaluate(() => localStorage.getItem('yeyak.token'));
  const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('image/png');
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/**
 * Presses Tab until the focused element matches `selector` (and `text`, when given), as someone
 * without a mouse would; fails when it is not reached within `max` presses. The element reached
 * must show that it has focus (an outline or a ring), or a keyboard user cannot see where they are.
 */
async function tabTo(page: Page, selector: string, text?: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(
      ([sel, want]) => {
        const el = document.activeElement;
        if (!(el instanceof HTMLElement) || !el.matches(sel)) return null;
        if (want && !(el.textContent ?? '').includes(want)) return null;
        const st = getComputedStyle(el);
        return {
          outline: st.outlineStyle !== 'none' && st.outlineWidth !== '0px',
          ring: st.boxShadow !== 'none',
        };
      },
      [selector, text ?? ''] as const,
    );
    if (hit) {
      expect(hit.outline || hit.ring, `${selector} ${text ?? ''} shows its focus`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached ${selector} ${text ?? ''}`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  web = await startProxy();
  app = await startApp('pglite', { publicUrl: web }, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await new Promise((done) => (proxy ? proxy.close(done) : done(undefined)));
});

describe('web app', () => {
  it('e-mail to check-in: buy two tickets, get the mail with the QR code, check in once', async () => {
    // ---- the buyer holds two R seats of the first showtime and confirms
    const buyer = await open('ko');
    const { page } = buyer;
    await login(page, 'user@yeyak.local');
    expect(await page.getByTestId('user-name').textContent()).toContain('회원');
    await page.goto(`${web}/`);
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
    const first = await countdown.textContent();
    expect(first).toMatch(/^\d{2}:\d{2}$/);
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid=countdown]')?.textContent !== before,
      first,
      { timeout: 5000 },
    );
    expect(await countdown.textContent()).toMatch(/^(19|20):\d{2}$/);
    await page.getByText('220,000원').waitFor();
    await shot(page, 'ko-03-hold');
    await page.getByRole('button', { name: '예매 확정' }).click();
    await page.getByTestId('hold-confirmed').waitFor();
    await shot(page, 'ko-04-confirmed');

    await page.getByRole('link', { name: '내 티켓 보기' }).click();
    await page.waitForURL(/\/my\/tickets$/);
    const ticket = page.getByTestId('ticket').filter({ hasText: STARRY });
    await ticket.getByTestId('ticket-qr').waitFor();
    expect(await ticket.textContent()).toContain('R석 × 2');
    expect(await ticket.textContent()).toContain('예매 완료');
    const ticketCode = ((await ticket.getByTestId('ticket-code').textContent()) ?? '').trim();
    expect(ticketCode).toMatch(/^YQ1\.\d+\.[A-Za-z0-9_-]{22}$/);
    await shot(page, 'ko-05-my-tickets');

    // ---- the ticket mail reaches the mailbox; its inline QR code is the code on My tickets
    await page.goto(`${web}/mailbox`);
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
    expect(await view.textContent()).toContain('user@yeyak.local');
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
    expect(await qrFromPart(page, partPath!)).toBe(ticketCode);
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
    expect(await result.textContent()).toContain('입장 확인 완료');
    expect(await result.textContent()).toContain('R석 × 2');
    await shot(sp, 'ko-08-checkin-ok');

    await check(ticketCode, 'already');
    expect(await result.textContent()).toContain('이미 입장한 티켓');
    expect(await result.textContent()).toMatch(/에 이미 입장했습니다/);
    await shot(sp, 'ko-09-checkin-already');

    const forged = `${ticketCode.slice(0, -1)}${ticketCode.endsWith('A') ? 'B' : 'A'}`;
    await check(forged, 'invalid');
    expect(await result.textContent()).toContain('유효하지 않은 티켓');
    await shot(sp, 'ko-10-checkin-forged');

    // The sales page counts the two checked-in tickets.
    await sp.getByRole('link', { name: '판매 현황' }).click();
    await sp.getByTestId('totals').waitFor();
    expect(await sp.getByTestId('checked-in-total').textContent()).toBe('2');
    // The charts (Chart.js, loaded with this page only) draw today's sales and the check-in hour.
    await sp.getByTestId('sales-chart').waitFor();
    await sp.getByTestId('checkin-chart').waitFor();
    expect(await sp.getByTestId('sales-chart').getAttribute('aria-label')).toMatch(/누적 \d+매/);
    expect(await sp.getByTestId('checkin-chart').getAttribute('aria-label')).toContain('누적 2명');
    const drawn = await sp
      .getByTestId('sales-chart')
      .evaluate((c: HTMLCanvasElement) => c.width > 0 && c.toDataURL().length > 5000);
    expect(drawn).toBe(true);
    await shot(sp, 'ko-11-sales');
    await sp.setViewportSize({ width: 390, height: 844 });
    await sp.getByTestId('sales-chart').waitFor();
    await shot(sp, 'ko-mobile-11-sales');

    // Only the forged code's refusal (422 from /api/checkin, logged by Chromium) may show up as an error.
    const unexpected = staff.errors.filter((e) => !/422/.test(e) || !/\/api\/checkin/.test(e));
    expect(unexpected).toEqual([]);
    await staff.context.close();
  });

  it('speaks English when switched, remembers it, and logs no console errors', async () => {
    const w = await open();
    const { page } = w;
    await page.goto(`${web}/`);
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

    await page.goto(`${web}/login`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(page, 'en-03-login');
    await page.goto(`${web}/signup`);
    await page.getByRole('heading', { name: 'Sign up' }).waitFor();

    await login(page, 'user@yeyak.local');
    await page.goto(`${web}/events/PF300003`);
    const row = page.getByTestId('ticket-row').first();
    await row.getByRole('button', { name: 'Join waiting list' }).click();
    await row.getByText('You are on the waiting list').waitFor();
    await page.goto(`${web}/my/tickets`);
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    const entry = page.getByTestId('waitlist-entry').first();
    await entry.getByText('Position 1').waitFor();
    await page.getByTestId('ticket').first().waitFor();
    await shot(page, 'en-04-my-tickets');
    await entry.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('dialog').getByText('Leave the waiting list?').waitFor();
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('You are not waiting for anything.').waitFor();

    await page.goto(`${web}/mailbox`);
    await page.getByRole('heading', { name: 'Mailbox' }).waitFor();
    await page.getByTestId('mail-item').first().click();
    await page.getByTestId('mail-view').getByText('From').waitFor();
    await shot(page, 'en-05-mailbox');

    await page.getByRole('button', { name: 'Log out' }).click();
    await login(page, 'organizer@yeyak.local');
    await page.goto(`${web}/organizer`);
    await page.getByRole('heading', { name: 'Organiser' }).waitFor();
    await page.getByTestId('org-event').first().waitFor();
    await shot(page, 'en-06-organizer');
    await page
      .getByTestId('org-event')
      .filter({ hasText: '재즈' })
      .getByRole('link', { name: 'Sales' })
      .click();
    await page.getByRole('heading', { name: 'Totals per ticket type' }).waitFor();
    await page.getByText('Nobody has checked in yet.').waitFor();
    await shot(page, 'en-07-sales');
    await page.getByRole('link', { name: 'Check-in' }).first().click();
    await page.getByRole('button', { name: 'Start camera' }).waitFor();
    await shot(page, 'en-08-checkin');

    expect(await page.locator('body').textContent()).not.toMatch(/좌석 잡기|로그인|메일함|입장 확인/);
    expect(w.errors).toEqual([]);
    await w.context.close();

    // A phone-sized screen, Korean: the layout folds into one column.
    const phone = await open('ko', { width: 390, height: 844 });
    await phone.page.goto(`${web}/`);
    await phone.page.getByTestId('event-card').first().waitFor();
    await shot(phone.page, 'ko-mobile-01-events', false);
    await phone.page.goto(`${web}/events/PF132236`);
    await phone.page.getByTestId('showtime').first().waitFor();
    await shot(phone.page, 'ko-mobile-02-event');
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });
  it('sign-up with the mailed code, waiting list, and the offer mail opening the hold page', async () => {
    const fan = await open('ko');
    const { page } = fan;
    const email = `fan-${Date.now().toString(36)}@test.yeyak`;
    await page.goto(`${web}/signup`);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill('short');
    await page.getByRole('button', { name: '가입하기' }).click();
    // The server's field error shows next to the password field.
    await page.locator('.field-invalid input[name=password]').waitFor();
    await page.locator('input[name=password]').fill('password-123');
    await page.locator('input[name=name]').fill('새 팬');
    await page.getByRole('button', { name: '가입하기' }).click();
    await page.getByRole('heading', { name: '이메일 인증' }).waitFor();
    await page.getByTestId('demo-hint').waitFor();
    await shot(page, 'ko-12-verify');

    // The code is in the mailbox (demo mode), read in a second browser as the demo admin (mail is private).
    const admin = await open('ko');
    const mailTab = admin.page;
    await mailTab.goto(`${web}/mailbox`);
    await mailTab.getByRole('button', { name: '데모 관리자로 로그인' }).click();
    const codeMail = mailTab.getByTestId('mail-item').filter({ hasText: email });
    await waitForMail(mailTab, codeMail);
    const code = /인증 코드 (\d{6})/.exec((await codeMail.first().textContent()) ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await admin.context.close();
    await page.locator('input[name=code]').fill(code!);
    await page.getByRole('button', { name: '인증하기' }).click();
    await page.getByTestId('user-name').filter({ hasText: '새 팬' }).waitFor();

    // Sold out: join the waiting list.
    await page.goto(`${web}/events/PF300003`);
    const row = page.getByTestId('ticket-row').first();
    await row.getByText('매진').waitFor();
    await row.getByRole('button', { name: '대기 신청' }).click();
    await row.getByText('대기 신청이 완료되었습니다').waitFor();
    await page.goto(`${web}/my/tickets`);
    await page.getByTestId('waitlist-entry').getByText('대기 순번 1번').waitFor();

    // The holder cancels, which frees the seats for the waiting list.
    const holder = await open('ko');
    await login(holder.page, 'user@yeyak.local');
    await holder.page.goto(`${web}/my/tickets`);
    const indie = holder.page.getByTestId('ticket').filter({ hasText: '인디 밴드' });
    await indie.getByRole('button', { name: '예매 취소' }).click();
    await holder.page.getByRole('dialog').getByText('예매를 취소할까요?').waitFor();
    await shot(holder.page, 'ko-13-cancel-dialog', false);
    await holder.page.getByRole('dialog').getByRole('button', { name: '예', exact: true }).click();
    await indie.getByText('취소됨').waitFor();
    expect(await indie.getByTestId('ticket-qr').count()).toBe(0);
    expect(holder.errors).toEqual([]);
    await holder.context.close();

    // The offer mail links to the hold page; the link opens outside the sandboxed mail view.
    await page.goto(`${web}/mailbox`);
    const offer = page.getByTestId('mail-item').filter({ hasText: '대기하신 좌석이 나왔습니다' });
    await waitForMail(page, offer);
    await offer.first().click();
    const link = page.frameLocator('iframe.mail-frame').getByRole('link', { name: /확정하기/ });
    const [popup] = await Promise.all([fan.context.waitForEvent('page'), link.click()]);
    await popup.waitForURL(/\/holds\/[0-9a-f-]{36}$/);
    await popup.getByTestId('countdown').waitFor();
    expect(await popup.getByTestId('countdown').textContent()).toMatch(/^(\d:)?\d{2}:\d{2}$/);
    await popup.getByText('일반 · 1매').waitFor();
    await shot(popup, 'ko-14-offer-hold');
    await popup.getByRole('button', { name: '예매 확정' }).click();
    await popup.getByTestId('hold-confirmed').waitFor();
    await popup.goto(`${web}/my/tickets`);
    await popup.getByTestId('ticket').filter({ hasText: '인디 밴드' }).getByTestId('ticket-qr').waitFor();
    await popup.getByTestId('waitlist-entry').getByText('예매 완료').waitFor();
    await shot(popup, 'ko-15-offer-ticket');
    // The deliberately short password's 400 is the only error response expected.
    expect(fan.errors.filter((e) => !/\/api\/auth\/signup/.test(e) || !/400/.test(e))).toEqual([]);
    await fan.context.close();
  });

  it('buys a ticket with the keyboard alone (Tab, Enter, Space), at phone size too', async () => {
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['mobile', { width: 390, height: 844 }],
    ] as const) {
      const w = await open('ko', viewport);
      const { page } = w;
      await page.goto(`${web}/login`);
      await tabTo(page, 'input[name=email]');
      await page.keyboard.type('user@yeyak.local');
      await tabTo(page, 'input[name=password]');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByTestId('user-name').waitFor();

      await page.goto(`${web}/`);
      await page.getByTestId('event-card').first().waitFor();
      await tabTo(page, 'a.event-card', STARRY);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/events\/PF132236$/);
      await page.getByTestId('ticket-row').first().waitFor();
      // The first showtime's R석 (one seat: the quantity picker's first choice) is held with Space.
      await tabTo(page, '[data-testid=ticket-row] button', '좌석 잡기', 120);
      const row = await page.evaluate(
        () => document.activeElement?.closest('[data-testid=ticket-row]')?.textContent ?? '',
      );
      expect(row).toContain('R석');
      await page.keyboard.press('Space');
      await page.waitForURL(/\/holds\/[0-9a-f-]{36}/);
      await page.getByTestId('countdown').waitFor();
      await tabTo(page, 'button', '예매 확정');
      await shot(page, `ko-${size}-keyboard-hold`, false);
      await page.keyboard.press('Enter');
      await page.getByTestId('hold-confirmed').waitFor();
      await tabTo(page, 'a', '내 티켓 보기');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/my\/tickets$/);
      await page.getByTestId('ticket').filter({ hasText: STARRY }).first().waitFor();
      await shot(page, `ko-${size}-keyboard-my-tickets`, false);
      expect(w.errors).toEqual([]);
      await w.context.close();
    }
  });

  it('organiser creates and edits an event with the form; field errors show next to the fields', async () => {
    const w = await open('en');
    const { page } = w;
    await login(page, 'organizer@yeyak.local');
    await page.goto(`${web}/organizer/events/new`);
    await page.getByRole('heading', { name: 'New event' }).waitFor();
    await page.getByRole('button', { name: 'Create event' }).click();
    for (const name of ['code', 'title', 'showtimes.0.startsAt', 'showtimes.0.ticketTypes.0.name']) {
      await page.locator(`.field-invalid [name="${name}"]`).waitFor();
    }
    await shot(page, 'en-09-form-errors');

    const code = `E2E-${Date.now().toString(36).toUpperCase()}`;
    await page.locator('[name=code]').fill(code);
    await page.locator('[name=title]').fill('E2E 콘서트');
    await page.locator('[name=venue]').fill('테스트홀');
    await page.locator('[name="showtimes.0.startsAt"]').fill('2030-05-01T19:30');
    await page.locator('[name="showtimes.0.ticketTypes.0.name"]').fill('VIP');
    await page.locator('[name="showtimes.0.ticketTypes.0.price"]').fill('150000');
    await page.locator('[name="showtimes.0.ticketTypes.0.quota"]').fill('10');
    await page.getByRole('button', { name: 'Add ticket type' }).click();
    await page.locator('[name="showtimes.0.ticketTypes.1.name"]').fill('Standard');
    await page.locator('[name="showtimes.0.ticketTypes.1.price"]').fill('50,000');
    await page.locator('[name="showtimes.0.ticketTypes.1.quota"]').fill('100');
    await page.getByRole('button', { name: 'Add showtime' }).click();
    await page.locator('[name="showtimes.1.startsAt"]').fill('2030-05-02T15:00');
    await page.locator('[name="showtimes.1.ticketTypes.0.name"]').fill('Standard');
    await page.locator('[name="showtimes.1.ticketTypes.0.price"]').fill('50000');
    await page.locator('[name="showtimes.1.ticketTypes.0.quota"]').fill('100');
    await shot(page, 'en-10-form-filled');
    // A quota of 0 and a showtime in the past are refused at their fields.
    await page.locator('[name="showtimes.0.ticketTypes.1.quota"]').fill('0');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.locator('.field-invalid [name="showtimes.0.ticketTypes.1.quota"]').waitFor();
    await page.locator('[name="showtimes.0.ticketTypes.1.quota"]').fill('100');
    await page.locator('[name="showtimes.1.startsAt"]').fill('2020-05-02T15:00');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.locator('.field-invalid [name="showtimes.1.startsAt"]').waitFor();
    await shot(page, 'en-10b-form-past');
    await page.locator('[name="showtimes.1.startsAt"]').fill('2030-05-02T15:00');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.waitForURL(/\/organizer$/);
    await page.getByTestId('org-event').filter({ hasText: 'E2E 콘서트' }).waitFor();

    type Ev = {
      id: string;
      title: string;
      showtimes: { id: string; startsAt: string; ticketTypes: { name: string; price: number }[] }[];
    };
    const fetchEvent = async () =>
      (await (await fetch(`${app.url}/api/events/${code}`)).json()).data.event as Ev;
    const created = await fetchEvent();
    // 19:30 in Seoul (the default time zone, +09:00) is 10:30 UTC.
    expect(created.showtimes.map((x) => x.startsAt)).toEqual([
      '2030-05-01T10:30:00.000Z',
      '2030-05-02T06:00:00.000Z',
    ]);
    expect(created.showtimes[0].ticketTypes.map((x) => [x.name, x.price])).toEqual([
      ['VIP', 150000],
      ['Standard', 50000],
    ]);

    await page
      .getByTestId('org-event')
      .filter({ hasText: 'E2E 콘서트' })
      .getByRole('link', { name: 'Edit' })
      .click();
    await page.getByRole('heading', { name: 'Edit event' }).waitFor();
    expect(await page.locator('[name="showtimes.0.startsAt"]').inputValue()).toBe('2030-05-01T19:30');
    await page.locator('[name=title]').fill('E2E 콘서트 (앵콜)');
    await page.locator('[name="showtimes.1.startsAt"]').fill('2030-05-02T16:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await shot(page, 'en-11-form-saved');
    const edited = await fetchEvent();
    expect(edited.title).toBe('E2E 콘서트 (앵콜)');
    expect(edited.showtimes.map((x) => x.id)).toEqual(created.showtimes.map((x) => x.id));
    expect(edited.showtimes[1].startsAt).toBe('2030-05-02T07:00:00.000Z');

    await page.goto(`${web}/events/${code}`);
    await page.getByText('₩150,000').waitFor();
    // The empty form's 400 is the only error response expected.
    expect(
      w.errors.filter((e) => !/http 400: POST .*\/api\/events$/.test(e) && !/status of 400/.test(e)),
    ).toEqual([]);
    await w.context.close();
  });
});
