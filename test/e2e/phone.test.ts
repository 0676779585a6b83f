import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { client, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import {
  demoApi,
  kst,
  logIn,
  openPage,
  PASSWORD,
  shot,
  shots,
  startRailDemo,
  type Viewport,
} from './rail-pages.ts';

/**
 * yeyak on a phone (390×844) in a real Chromium against the demo: train results as cards with the
 * price and buttons in sight, what a slow search or reservation is doing, what a reservation won,
 * held tickets with their countdown in 내 티켓, cancellations mailed to the mailbox, and every page
 * with its own title and a screenshot. `npm run build:web` must have run first.
 */

const PHONE: Viewport = { width: 390, height: 844 };
/** The test's own start-up script (the language) also runs in the mail's sandboxed frame, which has no storage. */
const SANDBOXED_MAIL = /document is sandboxed and lacks the 'allow-same-origin' flag/;

let app: TestApp;
let browser: Browser;
let sim: RailSim;

beforeAll(async () => {
  ({ app, sim, browser } = await startRailDemo());
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** How far the page reaches past the screen's right edge (0: no sideways scrolling). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/**
 * Whether the element is in sight without scrolling sideways: inside the screen's width and inside
 * every scrolling frame around it (a table frame would hide what sticks out).
 */
async function inWidth(_page: Page, selector: ReturnType<Page['locator']>) {
  return selector.evaluate((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.right > document.documentElement.clientWidth) return false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === 'visible') continue;
      const frame = p.getBoundingClientRect();
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) return false;
    }
    return true;
  });
}

async function logInAs(page: Page, email: string) {
  await page.goto(`${app.url}/login`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('user-name').waitFor();
}

/** Waits for a mail whose list entry has `text`, pressing the mailbox's refresh button meanwhile. */
async function waitForMail(page: Page, text: string) {
  await page.goto(`${app.url}/mailbox`);
  const item = page.getByTestId('mail-item').filter({ hasText: text });
  const until = Date.now() + 20_000;
  while ((await item.count()) === 0) {
    if (Date.now() > until) throw new Error(`no mail "${text}"`);
    await page.waitForTimeout(300);
    await page.locator('.mailbox .page-head button').click();
  }
  return item.first();
}

describe('on a phone', () => {
  it('rail: cards with price and buttons in sight, live waits, the seat won, a mailed cancellation (Korean)', async () => {
    const date = kst(6);
    const { page, errors, context } = await openPage(browser, 'ko', PHONE);
    await logIn(page, app.url);
    await page.goto(`${app.url}/rail`);
    await page.locator('input[name=date]').fill(date);
    await page.locator('input[name=time]').fill('08:00');
    // The operator answers slowly: the page says whom it asks and for how long already.
    sim.setSearchDelay(2_500);
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    const progress = page.getByTestId('rail-progress');
    await progress.waitFor();
    expect(await progress.textContent()).toContain('SRT에 조회 중…');
    await expect.poll(() => progress.textContent(), { timeout: 5_000 }).toMatch(/\d+초 지남/);
    // While it waits (a full-page shot would wait for the answer).
    await progress.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'phone-rail-searching-ko.png') });
    await expectAccessible(page, `phone-rail-searching-ko`);
    const table = page.getByTestId('rail-trains');
    await table.waitFor();
    await progress.waitFor({ state: 'detached' });
    sim.setSearchDelay(0);

    // Cards: no sideways scrolling, and every train's price and button inside the screen.
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    const rows = table.locator('tr[data-train]');
    expect(await rows.count()).toBeGreaterThan(3);
    for (let i = 0; i < 4; i++) {
      const row = rows.nth(i);
      if ((await row.getAttribute('class'))?.includes('row-muted')) continue;
      expect(await inWidth(page, row.locator('button'))).toBe(true);
      expect(await inWidth(page, row.getByTestId('train-price'))).toBe(true);
      expect(await row.getByTestId('train-price').textContent()).toMatch(/\d+원/);
    }
    await shot(page, 'phone-rail-results-ko');

    // Reserve: the wait is told, then what was won with its payment countdown.
    const trainNo = (await table
      .locator('tr[data-train]:not(.row-muted)')
      .filter({ has: page.locator('button.btn-primary') })
      .first()
      .getAttribute('data-train')) as string;
    sim.setSearchDelay(1_500);
    await table.locator(`tr[data-train="${trainNo}"] button`).click();
    // The wait line, unless the page already moved on; then say what it shows instead.
    const won = page.getByTestId('rail-won');
    const next = page.locator('[data-testid=rail-progress], [data-testid=rail-won], [role=alert]');
    await next.first().waitFor({ timeout: 20_000 });
    const seen = (await next.first().textContent()) ?? '';
    if (!seen.includes(`SRT ${trainNo} 열차 좌석을 예약하는 중…`) && !(await won.isVisible())) {
      throw new Error(`after 예약 the page shows: ${seen}`);
    }
    await won.waitFor({ timeout: 30_000 });
    sim.setSearchDelay(0);
    const text = (await won.textContent()) ?? '';
    expect(text).toContain(`SRT ${trainNo}`);
    expect(text).not.toContain('SRT SRT');
    expect(text).toMatch(/일반실|특실/);
    expect(text).toMatch(/\d+원/);
    expect(await won.getByTestId('rail-won-seats').textContent()).toMatch(/^\d+-\d+[A-D]/);
    const clock = won.getByTestId('rail-won-countdown').locator('.countdown-value');
    const first = await clock.textContent();
    expect(first).toMatch(/^\d\d:\d\d$/);
    await expect.poll(() => clock.textContent(), { timeout: 4_000 }).not.toBe(first);
    await won.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'phone-rail-won-ko.png') });
    await expectAccessible(page, `phone-rail-won-ko`);

    // Cancel: the page says a receipt was mailed, and the mailbox has it.
    await page.locator('a.section-tab[href="/rail/reservations"]').click();
    const card = page.locator('[data-testid=rail-reservation][data-status=held]').first();
    await card.waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-rail-reservations-ko');
    await card.locator('button').click();
    await page.locator('.modal .btn-danger').click();
    const note = page.getByTestId('rail-cancelled');
    await note.waitFor();
    expect(await note.textContent()).toContain(`SRT ${trainNo} 예약을 취소했습니다`);
    await shot(page, 'phone-rail-cancelled-ko');
    await note.getByRole('link').click();
    const mail = await waitForMail(page, `SRT ${trainNo} 예약 취소`);
    await mail.click();
    await page.getByTestId('mail-view').waitFor();
    await shot(page, 'phone-rail-cancel-mail-ko');
    expect(errors.filter((e) => !SANDBOXED_MAIL.test(e))).toEqual([]);
    await context.close();
  });

  it('rail in English: the wait and the seat won', async () => {
    const { page, errors, context } = await openPage(browser, 'en', PHONE);
    await logIn(page, app.url);
    await page.goto(`${app.url}/rail`);
    await page.locator('input[name=date]').fill(kst(7));
    await page.locator('input[name=time]').fill('09:00');
    sim.setSearchDelay(1_500);
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    await expect
      .poll(() => page.getByTestId('rail-progress').textContent(), { timeout: 5_000 })
      .toContain('Asking SRT for trains…');
    const table = page.getByTestId('rail-trains');
    await table.waitFor();
    sim.setSearchDelay(0);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'phone-rail-results-en');
    await table.locator('tr[data-train]:not(.row-muted) button.btn-primary').first().click();
    const won = page.getByTestId('rail-won');
    await won.waitFor({ timeout: 30_000 });
    expect(await won.textContent()).toMatch(/Seat reserved.*Pay by.*Time left/s);
    await won.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'phone-rail-won-en.png') });
    await expectAccessible(page, `phone-rail-won-en`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('내 티켓: a held seat with its countdown and the way back to confirm; a cancellation mailed (Korean and English)', async () => {
    const api = await demoApi(app.url);
    const events = (await client(app.url).get<{ events: EventList }>('/api/events')).body.data
      ?.events as EventList;
    const type = events
      .flatMap((e) => e.showtimes.filter((s) => !s.past).flatMap((s) => s.ticketTypes))
      .find((tt) => tt.available >= 2);
    expect(type).toBeDefined();
    const held = await api.post<{ hold: { id: string } }>('/api/holds', {
      ticketTypeId: type?.id,
      quantity: 2,
    });
    expect(held.status).toBe(201);

    const { page, errors, context } = await openPage(browser, 'ko', PHONE);
    await logIn(page, app.url);
    await page.goto(`${app.url}/my/tickets`);
    const hold = page.locator(`[data-testid=my-hold][data-status=held]`);
    await hold.waitFor();
    const clock = hold.getByTestId('my-hold-countdown');
    const first = await clock.textContent();
    expect(first).toMatch(/^\d\d:\d\d$/);
    await expect.poll(() => clock.textContent(), { timeout: 4_000 }).not.toBe(first);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await inWidth(page, hold.getByRole('link', { name: '확정하러 가기' }))).toBe(true);
    await shot(page, 'phone-my-tickets-hold-ko');
    // The way back: the hold page, confirmed there.
    await hold.getByRole('link', { name: '확정하러 가기' }).click();
    await page.waitForURL(new RegExp(`/holds/${held.body.data?.hold.id}`));
    await page.locator('.hold-page .btn-primary').click();
    await page.getByTestId('hold-confirmed').waitFor();
    await page
      .getByRole('link', { name: /내 티켓/ })
      .last()
      .click();
    await page.getByTestId('ticket').first().waitFor();
    expect(await page.locator('[data-testid=my-hold][data-status=held]').count()).toBe(0);
    // The QR's code wraps at its dot, never one character alone on a line.
    const code = page.getByTestId('ticket-code').first();
    const lines = await code.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return [...range.getClientRects()].map((r) => Math.round(r.top));
    });
    const text = (await code.textContent()) ?? '';
    expect(new Set(lines).size).toBeLessThanOrEqual(2);
    if (new Set(lines).size === 2) expect(text).toMatch(/^YQ1\.\d+\.[\w-]{22}$/);
    await shot(page, 'phone-my-tickets-ko');

    // Cancel: the page points at the receipt in the mailbox.
    await page.getByTestId('ticket').first().locator('.btn-danger-ghost').click();
    await page.locator('.modal .btn-danger').click();
    const mailed = page.getByTestId('cancel-mailed');
    await mailed.waitFor();
    await mailed.getByRole('link').click();
    const mail = await waitForMail(page, '예매 취소');
    await mail.click();
    await page.getByTestId('mail-view').waitFor();
    await shot(page, 'phone-tickets-cancel-mail-ko');

    // A hold that ran out is told in 내 티켓 (its time is put in the past as the sweep would find it).
    const again = await api.post<{ hold: { id: string } }>('/api/holds', {
      ticketTypeId: type?.id,
      quantity: 1,
    });
    await app.y.ctx.database.raw(
      "update ticket_holds set expires_at = now() - interval '1 minute' where id = $1",
      [again.body.data?.hold.id],
    );
    const en = await openPage(browser, 'en', PHONE);
    await logIn(en.page, app.url);
    await en.page.goto(`${app.url}/my/tickets`);
    const gone = en.page.locator('[data-testid=my-hold][data-status=expired]').first();
    await gone.waitFor();
    expect(await gone.textContent()).toContain('Not confirmed in time');
    await shot(en.page, 'phone-my-tickets-expired-en');
    expect([...errors, ...en.errors].filter((e) => !SANDBOXED_MAIL.test(e))).toEqual([]);
    await en.context.close();
    await context.close();
  });

  it('every page has its own title and a phone screenshot; the pages with tables or cards do not scroll sideways', async () => {
    const pub = client(app.url);
    const events = (await pub.get<{ events: EventList }>('/api/events')).body.data?.events as EventList;
    const event = events[0];
    const orgToken = (
      await pub.post<{ token: string }>('/api/auth/login', {
        email: 'organizer@yeyak.local',
        password: PASSWORD,
      })
    ).body.data?.token as string;
    const org = client(app.url, orgToken);
    const regs =
      ((await org.get<{ events: { id: string }[] }>('/api/registration/events')).body.data?.events as {
        id: string;
      }[]) ?? [];
    const orgEvents =
      ((await org.get<{ events: { id: string }[] }>('/api/organizer/events')).body.data?.events as {
        id: string;
      }[]) ?? [];
    const orgEvent = orgEvents[0]?.id ?? event.id;

    /** Who looks, and where; `strict`: the page must not scroll sideways. */
    const tour: { who: string | null; pages: { path: string; strict?: boolean }[] }[] = [
      {
        who: null,
        pages: [
          { path: '/', strict: true },
          { path: `/events/${encodeURIComponent(event.code)}`, strict: true },
          { path: '/login' },
          { path: '/signup' },
          { path: '/forgot-password' },
          { path: '/find-account' },
          { path: '/consult' },
          { path: '/consult/counselors' },
          { path: '/consult/board' },
        ],
      },
      {
        who: 'user@yeyak.local',
        pages: [
          { path: '/my/tickets', strict: true },
          { path: '/rail', strict: true },
          { path: '/rail/watches', strict: true },
          { path: '/rail/reservations', strict: true },
          { path: '/rail/settings' },
          { path: '/account' },
          { path: '/account/notifications' },
          { path: '/notifications' },
          { path: '/mailbox' },
          { path: '/consult/points' },
          { path: '/consult/profile' },
          { path: '/consult/chats' },
        ],
      },
      {
        who: 'organizer@yeyak.local',
        pages: [
          { path: '/organizer' },
          { path: '/organizer/events/new' },
          { path: `/organizer/events/${orgEvent}/edit` },
          { path: `/organizer/events/${orgEvent}/sales`, strict: true },
          { path: `/organizer/events/${orgEvent}/checkin` },
          { path: '/registration' },
          ...regs.slice(0, 1).map((r) => ({ path: `/registration/${r.id}`, strict: true })),
        ],
      },
      {
        who: 'admin@yeyak.local',
        pages: [
          { path: '/admin' },
          { path: '/admin/users' },
          { path: '/admin/settings' },
          { path: '/admin/log' },
          { path: '/admin/payments' },
          { path: '/admin/events/dead' },
          { path: '/consult/admin' },
        ],
      },
    ];
    const titles = new Map<string, string>();
    const wide: string[] = [];
    const allErrors: string[] = [];
    for (const { who, pages } of tour) {
      const { page, errors, context } = await openPage(browser, 'ko', PHONE);
      if (who) await logInAs(page, who);
      for (const { path, strict } of pages) {
        await page.goto(`${app.url}${path}`);
        await page.locator('main h1, main h2').first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        const title = await page.title();
        titles.set(path, title);
        const name = path.replace(/^\//, '').replace(/[^\w가-힣-]+/g, '_') || 'home';
        await shot(page, `phone-page-${who ? who.split('@')[0] : 'guest'}-${name}`);
        const over = await overflow(page);
        if (over > 0) wide.push(`${path} (+${over}px)`);
        if (strict) expect(over, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
      }
      allErrors.push(...errors);
      await context.close();
    }
    if (wide.length) console.log(`pages wider than a phone: ${wide.join(', ')}`);
    // Each page names itself: never the bare app name, and no two pages share a title.
    for (const [path, title] of titles) {
      expect(title, path).toMatch(/ · yeyak$/);
    }
    const dupes = [...titles.entries()].filter(([path, title]) =>
      [...titles.entries()].some(([p, t]) => p !== path && t === title),
    );
    console.log([...titles.entries()].map(([p, t]) => `${p} → ${t}`).join('\n'));
    expect(dupes.map(([p, t]) => `${p}: ${t}`)).toEqual([]);
    expect(allErrors.filter((e) => !SANDBOXED_MAIL.test(e))).toEqual([]);
  }, 600_000);
});

type EventList = {
  id: string;
  code: string;
  showtimes: { past: boolean; ticketTypes: { id: string; available: number }[] }[];
}[];
