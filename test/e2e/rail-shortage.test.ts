/**
 * A watch for two on a train with exactly one free seat: the watch page says why nothing is
 * reserved ("1 seat left, 2 asked"), in Korean and English, on a desktop and on a phone, and the
 * line stays inside its card on the phone. `npm run build:web` must have run first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import type { TestApp } from '../helpers.ts';
import { searchTrains, watchOneSeatForTwo, watchWhen } from '../rail/app.ts';
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
  ko: (train: string) => [`${train}번 열차: 1석 남음, 2석 필요`, '일행 전원이 앉을 자리가 날 때까지'],
  en: (train: string) => [`train ${train}: 1 seat left, 2 asked`, 'No reserve is sent until the whole party'],
};

describe('rail web: a party bigger than the seats left', () => {
  let id: string;
  let train: { trainNo: string };

  beforeAll(async () => {
    // Korail answers with seat counts, so the page can say exactly how many are left.
    const date = kst(12).replaceAll('-', '');
    const api = await demoApi(app.url);
    const trains = await searchTrains(api, { provider: 'korail', from: '서울', date, time: '10:00' });
    train = trains.find((t) => t.type.startsWith('KTX')) as { trainNo: string };
    id = await watchOneSeatForTwo(sim, api, {
      provider: 'korail',
      from: '서울',
      to: '부산',
      date,
      trainNo: train.trainNo,
      seatPolicy: 'general-only',
    });
    // The engine has seen the one seat: the API says so before any page is looked at.
    await watchWhen(api, id, (w) => w.shortage.length > 0);
  });
  afterAll(async () => {
    await (await demoApi(app.url)).post(`/api/rail/watches/${id}/stop`);
  });

  const cases = (['ko', 'en'] as const).flatMap((lang) =>
    (Object.keys(SIZES) as (keyof typeof SIZES)[]).map((size) => [lang, size] as const),
  );
  it.each(cases)('shows "1 seat left, 2 asked" on the watch (%s, %s)', async (lang, size) => {
    const { page, errors, context } = await openPage(browser, lang, SIZES[size]);
    await logIn(page, app.url);
    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${id}"]`);
    await card.and(page.locator('[data-status=trying]')).waitFor();
    const line = card.getByTestId('rail-watch-shortage');
    await line.waitFor();
    const [fact, why] = WORDS[lang](train.trainNo);
    await expect(line.textContent()).resolves.toContain(why);
    // The train's shortage is a line of its own, above the why.
    await expect(line.locator('strong').first().textContent()).resolves.toBe(fact);
    await shot(page, `rail-watch-shortage-${lang}-${size}`);

    // On a phone the line wraps inside the card, between words (Korean ones too, 않습니/다 was
    // split before): nothing sticks out or is cut off.
    expect(await line.evaluate((el) => getComputedStyle(el).wordBreak)).toBe('keep-all');
    const [box, cardBox] = [await line.boundingBox(), await card.boundingBox()];
    expect(box && cardBox).toBeTruthy();
    if (box && cardBox) {
      expect(box.x).toBeGreaterThanOrEqual(cardBox.x);
      expect(box.x + box.width).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5);
    }
    expect(await line.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      'the page scrolls sideways',
    ).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
