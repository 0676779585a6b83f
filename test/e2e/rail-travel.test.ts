/**
 * What travellers ask for, on the pages: a watch of several trains on a date not on sale yet (it
 * says when sales open and that it waits until then), seat position and direction in the forms,
 * the class of a hold always shown and a fallback to first class said out loud. Korean and
 * English, desktop and phone. `npm run build:web` must have run first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import type { TestApp } from '../helpers.ts';
import { searchTrains, watchTrain, watchWhen } from '../rail/app.ts';
import { demoApi, kst, logIn, openPage, shot, startRailDemo, type Viewport } from './rail-pages.ts';

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

const SIZES: Record<'desktop' | 'phone', Viewport> = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};

const WORDS = {
  ko: {
    opens: '판매 시작 · 그때부터 감시',
    trains: (a: string, b: string) => `${a}, ${b}번 열차 중 하나`,
    special: '특실',
    fallback: '일반실이 없어 특실로 예약했습니다',
    submit: '이 열차들 감시',
    planOpens: '판매를 시작합니다',
    window: '창가',
  },
  en: {
    opens: 'Sales open',
    trains: (a: string, b: string) => `one of trains ${a}, ${b}`,
    special: 'First class',
    fallback: 'No standard seat: reserved in first class',
    submit: 'Watch these trains',
    planOpens: 'go on sale',
    window: 'Window',
  },
};

describe('rail web: trains lists, opening watches, seat class', () => {
  let reservedId: string;

  beforeAll(async () => {
    // A watch whose standard class is sold out and takes first class (general-first).
    const date = kst(9).replaceAll('-', '');
    const api = await demoApi(app.url);
    const trains = (await searchTrains(api, { date, time: '08:00' })).filter(
      (t) => t.general === 'available' && t.special === 'available',
    );
    const t = trains[0];
    sim.seedSoldOut('srt', date, Number(t.trainNo), 'general');
    const created = await watchTrain(api, { date, trainNo: t.trainNo, seatPolicy: 'general-first' });
    expect(created.status).toBe(201);
    reservedId = created.body.data?.watch.id as string;
    const w = await watchWhen(api, reservedId, (x) => x.status === 'reserved', 30_000);
    expect(w.reservation?.seatClass).toBe('special');
  });

  const cases = (['ko', 'en'] as const).flatMap((lang) =>
    (Object.keys(SIZES) as (keyof typeof SIZES)[]).map((size) => [lang, size] as const),
  );
  it.each(cases)(
    'a watch for a date not on sale yet, and a first-class fallback (%s, %s)',
    async (lang, size) => {
      const words = WORDS[lang];
      const { page, errors, context } = await openPage(browser, lang, SIZES[size]);
      await logIn(page, app.url);
      await page.goto(`${app.url}/rail`);
      const form = page.getByTestId('rail-search');
      await form.locator('input[name=date]').fill(kst(34));
      await form.locator('select[name=seatPosition]').selectOption('window');
      const plan = page.getByTestId('rail-planned-watch');
      await expect(plan.getByTestId('rail-planned-opens').textContent()).resolves.toContain(words.planOpens);
      const [a, b] = size === 'phone' ? ['301', '303'] : ['305', '307'];
      await plan.locator('input[name=trainNos]').fill(`${a}, ${b}`);
      await plan.getByRole('button', { name: words.submit }).click();
      const made = plan.getByTestId('rail-planned-made');
      await made.waitFor();
      await expect(made.textContent()).resolves.toContain(words.opens);
      await shot(page, `rail-planned-${lang}-${size}`);

      await page.goto(`${app.url}/rail/watches`);
      const card = page.locator('[data-testid=rail-watch]', { hasText: words.trains(a, b) }).first();
      await card.waitFor();
      await expect(card.getByTestId('rail-watch-opens').textContent()).resolves.toContain(words.opens);
      await expect(card.getByTestId('rail-watch-terms').textContent()).resolves.toContain(words.window);
      // Waiting for the opening: not polled, so no "checked every" line and no attempt.
      expect(await card.getByTestId('rail-watch-every').count()).toBe(0);
      const reserved = page.locator(`[data-watch="${reservedId}"]`);
      await expect(reserved.getByTestId('rail-seat-class').textContent()).resolves.toBe(words.special);
      await expect(reserved.getByTestId('rail-seat-notes').textContent()).resolves.toContain(words.fallback);
      // Nothing sticks out of the cards on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow).toBe(false);
      await shot(page, `rail-travel-watches-${lang}-${size}`);

      await page.goto(`${app.url}/rail/reservations`);
      const held = page.locator('[data-testid=rail-reservation]').first();
      await held.waitFor();
      await expect(page.getByTestId('rail-seat-notes').first().textContent()).resolves.toContain(
        words.fallback,
      );
      await shot(page, `rail-travel-reservations-${lang}-${size}`);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
