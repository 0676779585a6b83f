/**
 * The toddler count (유아, Korail's 동반유아) on the search page: offered for Korail only, and a
 * search with an adult and a toddler lists trains. Korean and English, desktop and phone.
 * `npm run build:web` must have run first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers.ts';
import { logIn, openPage, shot, startRailDemo, type Viewport } from './rail-pages.ts';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  ({ app, browser } = await startRailDemo());
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const SIZES: Record<'desktop' | 'phone', Viewport> = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
};
const LABEL = { ko: '유아 (동반유아)', en: 'Toddlers' };

describe('rail web: toddler passengers', () => {
  const cases = (['ko', 'en'] as const).flatMap((lang) =>
    (Object.keys(SIZES) as (keyof typeof SIZES)[]).map((size) => [lang, size] as const),
  );
  it.each(cases)('offers a toddler count for Korail only (%s, %s)', async (lang, size) => {
    const { page, errors, context } = await openPage(browser, lang, SIZES[size]);
    await logIn(page, app.url);
    await page.goto(`${app.url}/rail`);
    const form = page.getByTestId('rail-search');
    const pax = page.getByTestId('rail-search-passengers');
    await pax.waitFor();
    expect(await pax.locator('input[name=toddler]').count()).toBe(0);
    await form.locator('select').first().selectOption('korail');
    const toddler = pax.locator('input[name=toddler]');
    await toddler.waitFor();
    await expect(pax.textContent()).resolves.toContain(LABEL[lang]);
    await toddler.fill('1');
    await form.locator('button[type=submit]').click();
    await page.getByTestId('rail-trains').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await shot(page, `rail-toddler-${lang}-${size}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
