import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { client, startApp, type TestApp } from '../helpers.ts';

/**
 * The rail pages in a real Chromium against a whole yeyak in demo mode (PGlite, the sandbox operator
 * in-process, built web/dist): search → reserve or watch → live watch state → reservation with its
 * payment countdown → cancel; Korean and English. `npm run build:web` must have run first.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');
const USER = 'user@yeyak.local';
const PASSWORD = 'yeyak-demo';

let app: TestApp;
let browser: Browser;
let sim: RailSim;

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(lang: 'ko' | 'en'): Promise<Watched> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: lang === 'en' ? 'en-GB' : 'ko-KR',
  });
  await context.addInitScript((l) => {
    if (!localStorage.getItem('yeyak.lang')) localStorage.setItem('yeyak.lang', l);
  }, lang);
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    // Refused input answers 400 on purpose; the browser logs those as failed loads.
    // Demo posters point at PUBLIC_URL, which nothing serves here.
    if (msg.type() === 'error' && !/status of 400|ERR_CONNECTION_REFUSED/.test(msg.text()))
      errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() !== 400) errors.push(`http ${res.status()}: ${res.url()}`);
  });
  return { page, context, errors };
}

async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true });
}

async function login(page: Page) {
  await page.goto(`${app.url}/login`);
  await page.locator('input[name=email]').fill(USER);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('user-name').waitFor();
}

const kst = (days: number) =>
  new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

type WatchState = {
  id: string;
  status: string;
  passengers: Record<string, number>;
  seatPolicy: string;
  seatPosition: string;
  deadline: string | null;
  stopBeforeMinutes: number;
  lastPollAt: string | null;
  reservation: { seatCount: number; seats: { seatClass: string }[] } | null;
};

/** The demo user's API, and a watch on a train the sim made sold out in both classes. */
async function soldOutWatch(date: string, time: string) {
  const token = (
    await client(app.url).post<{ token: string }>('/api/auth/login', { email: USER, password: PASSWORD })
  ).body.data?.token as string;
  const api = client(app.url, token);
  const trains = (
    await api.post<{ trains: { trainNo: string }[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      time,
    })
  ).body.data?.trains as { trainNo: string }[];
  const trainNo = trains[1].trainNo;
  sim.seedSoldOut('srt', date.replaceAll('-', ''), Number(trainNo));
  const res = await api.post<{ watch: WatchState }>('/api/rail/watches', {
    provider: 'srt',
    from: '수서',
    to: '부산',
    date,
    trainNo,
    passengers: { adult: 1 },
    seatPolicy: 'general-first',
  });
  if (res.status !== 201) throw new Error(`watch: ${JSON.stringify(res.body)}`);
  const watch = async () =>
    (await api.get<{ watch: WatchState }>(`/api/rail/watches/${res.body.data?.watch.id}`)).body.data
      ?.watch as WatchState;
  return { id: res.body.data?.watch.id as string, trainNo: Number(trainNo), watch };
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const base = loadConfig({ YEYAK_DEMO: '1' });
  app = await startApp(
    'pglite',
    {
      demo: true,
      rail: {
        ...base.rail,
        sandbox: true,
        pollMs: 400,
        jitterMs: 0,
        accountIntervalMs: 0,
        egressPerMinute: 6000,
      },
    },
    { serveWeb: true, env: { YEYAK_DEMO: '1' } },
  );
  sim = app.y.rail.sandboxSim as RailSim;
  sim.setCancellationRate(0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('rail web', () => {
  it('searches, reserves, watches a sold-out train until it gets the seat, and cancels (Korean)', async () => {
    const date = kst(5);
    const compact = date.replaceAll('-', '');
    // Two trains the test knows: one made sold out (to watch), one with seats (to reserve).
    const api = client(app.url);
    const token = (await api.post<{ token: string }>('/api/auth/login', { email: USER, password: PASSWORD }))
      .body.data?.token as string;
    const trains = (
      await client(app.url, token).post<{
        trains: { trainNo: string; general: string; departure: string }[];
      }>('/api/rail/search', { provider: 'srt', from: '수서', to: '부산', date, time: '17:00' })
    ).body.data?.trains as { trainNo: string; general: string; departure: string }[];
    const soldOut = trains[2];
    sim.seedSoldOut('srt', compact, Number(soldOut.trainNo));
    const open1 = trains.find((t, i) => i > 2 && t.general === 'available') as (typeof trains)[number];

    const { page, errors, context } = await open('ko');
    await login(page);
    await page.locator('nav.nav a[href="/rail"]').click();
    await page.getByTestId('sandbox-badge').waitFor();
    await page.locator('input[name=date]').fill(date);
    await page.locator('input[name=time]').fill('17:00');
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    const table = page.getByTestId('rail-trains');
    await table.waitFor();
    const soldRow = table.locator(`tr[data-train="${soldOut.trainNo}"]`);
    await expect(soldRow.textContent()).resolves.toContain('매진');
    await shot(page, 'rail-search-ko');

    // Reserve a train with seats.
    await table.locator(`tr[data-train="${open1.trainNo}"] button`).click();
    await page
      .locator('.alert-success')
      .waitFor()
      .catch(async (err) => {
        await shot(page, 'rail-debug');
        throw new Error(`${err}: ${await page.locator('main').innerText()}`);
      });
    // Watch the sold-out one.
    await soldRow.locator('button').click();
    await page.getByText('감시를 시작했습니다').waitFor();

    await page.locator('a.chip[href="/rail/watches"]').click();
    const card = page.getByTestId('rail-watch').first();
    await card.and(page.locator('[data-status=trying]')).waitFor();
    await expect(card.getByTestId('rail-watch-progress').textContent()).resolves.toMatch(/시도 \d+회/);
    await shot(page, 'rail-watches-trying-ko');
    // A seat frees up at the operator: the page shows the reservation without reloading.
    sim.releaseSeats('srt', compact, Number(soldOut.trainNo), 'general', 1);
    await page.locator('[data-testid=rail-watch][data-status=reserved]').waitFor({ timeout: 20_000 });
    await shot(page, 'rail-watches-reserved-ko');

    await page.locator('a.chip[href="/rail/reservations"]').click();
    await expect.poll(() => page.getByTestId('rail-reservation').count()).toBe(2);
    const countdown = page.getByTestId('rail-countdown').first();
    const first = await countdown.textContent();
    expect(first).toMatch(/\d\d:\d\d/);
    await page.waitForTimeout(1_200);
    expect(await countdown.textContent()).not.toBe(first);
    await shot(page, 'rail-reservations-ko');
    await page.getByTestId('rail-reservation').last().locator('button').click();
    await page.locator('.modal .btn-danger').click();
    await page.locator('[data-testid=rail-reservation][data-status=cancelled]').waitFor();
    const held = [...sim.world.reservations.values()].filter(
      (r) => r.runDt === compact && r.status === 'held',
    );
    expect(held).toHaveLength(1);

    // An unknown station gets the nearest names to pick from.
    await page.locator('a.chip[href="/rail"]').click();
    await page.locator('input[name=to]').fill('부선');
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    await page.getByTestId('station-suggestions').getByText('부산').click();
    await expect(page.locator('input[name=to]').inputValue()).resolves.toBe('부산');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('edits a live watch: every setting, server errors next to their field, the engine uses the edit', async () => {
    const date = kst(7);
    const { id, trainNo, watch } = await soldOutWatch(date, '17:00');
    const { page, errors, context } = await open('ko');
    await login(page);
    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${id}"]`);
    await card.and(page.locator('[data-status=trying]')).waitFor();
    await card.getByRole('button', { name: '수정' }).click();
    const form = card.getByTestId('rail-watch-edit');
    await expect(form.locator('input[name=trainNo]').inputValue()).resolves.toBe(String(trainNo));

    // Refused by the schema: the error sits under its own field.
    await form.locator('input[name=stopBeforeMinutes]').fill('-5');
    await form.locator('input[name=adult]').fill('0');
    await form.getByRole('button', { name: '저장' }).click();
    await form.locator('.field-invalid input[name=stopBeforeMinutes]').waitFor();
    await expect(form.locator('.field-invalid .field-error').textContent()).resolves.toContain(
      '0 이상이어야 합니다',
    );
    // Refused by the service (no passenger at all): the error sits under the passengers.
    await form.locator('input[name=stopBeforeMinutes]').fill('15');
    await form.getByRole('button', { name: '저장' }).click();
    const paxError = form.getByTestId('rail-watch-passengers').locator(':scope > .field-error');
    await expect(paxError.textContent()).resolves.toBe('승객을 1명 이상 입력하세요.');
    expect(await form.locator('.field-invalid input[name=stopBeforeMinutes]').count()).toBe(0);
    await shot(page, 'rail-watch-edit-errors-ko');
    expect((await watch()).passengers).toEqual({ adult: 1 });

    // Two adults and a child, first class only, window seats, a deadline in Korea time.
    await form.locator('input[name=adult]').fill('2');
    await form.locator('input[name=child]').fill('1');
    await form.locator('select[name=seatPolicy]').selectOption('special-only');
    await form.locator('select[name=seatPosition]').selectOption('window');
    await form.locator('input[name=deadline]').fill(`${date}T16:30`);
    await shot(page, 'rail-watch-edit-ko');
    await form.getByRole('button', { name: '저장' }).click();
    await form.waitFor({ state: 'detached' });
    const terms = card.getByTestId('rail-watch-terms');
    await expect
      .poll(() => terms.textContent())
      .toMatch(/어른 2 · 어린이 1 · 특실만 · 창가 · 이메일 · .*까지 · 출발 15분 전 중단/);
    const edited = await watch();
    expect(edited).toMatchObject({
      passengers: { adult: 2, child: 1, senior: 0, disability1to3: 0, disability4to6: 0 },
      seatPolicy: 'special-only',
      seatPosition: 'window',
      stopBeforeMinutes: 15,
      deadline: new Date(`${date}T16:30:00+09:00`).toISOString(),
    });
    await shot(page, 'rail-watch-edited-ko');

    // The engine works with the edit: freed standard seats are not taken (first class only)…
    const compact = date.replaceAll('-', '');
    sim.releaseSeats('srt', compact, trainNo, 'general', 3);
    const released = Date.now();
    await expect
      .poll(async () => Date.parse((await watch()).lastPollAt ?? '0') > released + 500, { timeout: 15_000 })
      .toBe(true);
    expect((await watch()).status).not.toBe('reserved');
    // …three first-class seats are, for all three passengers.
    sim.releaseSeats('srt', compact, trainNo, 'special', 3);
    await card.and(page.locator('[data-status=reserved]')).waitFor({ timeout: 20_000 });
    const done = await watch();
    expect(done.reservation?.seatCount).toBe(3);
    expect(done.reservation?.seats.every((seat) => seat.seatClass === 'special')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('speaks English', async () => {
    const { page, errors, context } = await open('en');
    await login(page);
    await page.goto(`${app.url}/rail`);
    await page.locator('input[name=date]').fill(kst(6));
    await page.locator('input[name=time]').fill('20:00');
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    await page.getByTestId('rail-trains').waitFor();
    await expect(page.locator('h1').textContent()).resolves.toContain('Find trains');
    await expect(page.getByTestId('rail-trains').textContent()).resolves.toMatch(/Available|Sold out/);
    await shot(page, 'rail-search-en');
    await page.goto(`${app.url}/rail/settings`);
    await page.getByTestId('rail-notify').waitFor();
    await shot(page, 'rail-settings-en');

    // Editing a watch, in English, with the server's error next to the train number.
    const { id } = await soldOutWatch(kst(8), '18:00');
    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${id}"]`);
    await card.getByRole('button', { name: 'Edit' }).click();
    const form = card.getByTestId('rail-watch-edit');
    await expect(form.textContent()).resolves.toContain('Passengers');
    await form.locator('input[name=trainNo]').fill('99999');
    await form.locator('select[name=seatPolicy]').selectOption('special-first');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(
      form.locator('.field-invalid:has(input[name=trainNo]) .field-error').textContent(),
    ).resolves.toContain('no train 99999');
    await shot(page, 'rail-watch-edit-en');
    // Switching to a time window clears the single train.
    await form.getByLabel('every train in a window').check();
    await form.locator('input[name=timeFrom]').fill('18:00');
    await form.locator('input[name=timeTo]').fill('21:00');
    await form.locator('select[name=selection]').selectOption('random');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => card.textContent()).toContain('18:00–21:00 · random (gacha)');
    await expect(card.getByTestId('rail-watch-terms').textContent()).resolves.toContain('First class first');
    expect(errors).toEqual([]);
    await context.close();
  });
});
