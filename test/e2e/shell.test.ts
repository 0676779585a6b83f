import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, login, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The web shell in a real Chromium: a section's tabs (chips on a desktop, a bottom bar on a phone),
 * the polling hook (ETag → 304, nothing while the page is hidden, at once when it shows), and the
 * image upload component on the organiser's event form; ko at desktop width, en at phone width.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 900 },
    watches: '감시',
    upload: '이미지 올리기',
    change: '다른 이미지로 바꾸기',
    notImage: '이 형식은 올릴 수 없습니다',
    welcome: 'yeyak은 예약을 대신 챙겨 드립니다.',
    trainsDoor: '기차 빈자리 감시',
    cancel: '예매 취소',
    no: '아니요',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    watches: 'Watches',
    upload: 'Upload an image',
    change: 'Choose another image',
    notImage: 'That type cannot be uploaded',
    welcome: 'yeyak takes care of your bookings.',
    trainsDoor: 'Watch a sold-out train',
    cancel: 'Cancel booking',
    no: 'No',
  },
] as const;

async function open(c: (typeof cases)[number], role: 'user' | 'organizer' | 'visitor') {
  const me = role === 'visitor' ? { token: '' } : await login(app, role);
  const context = await browser.newContext({ viewport: c.viewport });
  await context.addInitScript(
    ([token, l]) => {
      if (token) localStorage.setItem('yeyak.token', token);
      localStorage.setItem('yeyak.lang', l);
    },
    [me.token, c.lang] as const,
  );
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, context, errors };
}

const shot = shooter(shots, { fullPage: false });
const shellShot = (page: Page, name: string) => shot(page, `shell-${name}`);

/** Pretends the tab went to the background (or came back): what the browser does on a tab switch. */
const setVisible = (page: Page, visible: boolean) =>
  page.evaluate((v) => {
    Object.defineProperty(document, 'visibilityState', {
      value: v ? 'visible' : 'hidden',
      configurable: true,
    });
    Object.defineProperty(document, 'hidden', { value: !v, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, visible);

describe.each(cases)('web shell ($name)', (c) => {
  it('greets a visitor with what yeyak is and its three doors, and a logged-in user with the events', async () => {
    await createEvent((await login(app, 'organizer')).api);
    const visitor = await open(c, 'visitor');
    await visitor.page.goto(app.url);
    await visitor.page.getByTestId('welcome').getByText(c.welcome).waitFor();
    expect(await visitor.page.locator('.door').count()).toBe(3);
    await visitor.page.getByTestId('event-card').first().waitFor();
    await shellShot(visitor.page, `${c.name}-00-welcome`);
    await visitor.page.getByRole('link', { name: c.trainsDoor }).click();
    await visitor.page.waitForURL(/\/rail$/);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();

    const member = await open(c, 'user');
    await member.page.goto(app.url);
    await member.page.getByTestId('event-card').first().waitFor();
    expect(await member.page.getByTestId('welcome').count()).toBe(0);
    await member.context.close();
  });

  it('asks before cancelling with the safe answer focused, and Escape keeps the booking', async () => {
    const org = await login(app, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R', price: 1000, quota: 5 }] });
    const { page, context, errors } = await open(c, 'user');
    await page.goto(`${app.url}/my/tickets`);
    const me = await page.evaluate(() => localStorage.getItem('yeyak.token'));
    const res = await fetch(`${app.url}/api/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${me}` },
      body: JSON.stringify({ ticketTypeId: ev.showtimes[0].ticketTypes[0].id, quantity: 1 }),
    });
    expect(res.status).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: c.cancel }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(c.no);
    await shellShot(page, `${c.name}-03-confirm`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const mine = await fetch(`${app.url}/api/reservations`, { headers: { authorization: `Bearer ${me}` } });
    const list = ((await mine.json()) as { data: { reservations: { deleted?: boolean; status?: string }[] } })
      .data.reservations;
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list[0])).not.toMatch(/"deleted":true|"status":"cancelled"/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('puts a section’s tabs under the title on a desktop and in a bottom bar on a phone', async () => {
    const { page, context, errors } = await open(c, 'user');
    await page.goto(`${app.url}/rail`);
    const tabs = page.getByTestId('section-tabs');
    await tabs.waitFor();
    const box = (await tabs.boundingBox())!;
    if (c.viewport.width < 760) {
      // Fixed to the bottom edge, across the whole width, every tab at least 44 px tall to tap.
      expect(Math.round(box.y + box.height)).toBe(c.viewport.height);
      expect(Math.round(box.width)).toBe(c.viewport.width);
      for (const tab of await tabs.locator('a').all()) {
        expect((await tab.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      }
    } else {
      expect(box.y).toBeLessThan(300);
    }
    await shellShot(page, `${c.name}-01-rail-tabs`);
    await tabs.getByRole('link', { name: c.watches }).click();
    await page.waitForURL(/\/rail\/watches$/);
    await expect
      .poll(() => tabs.getByRole('link', { name: c.watches }).getAttribute('aria-current'))
      .toBe('page');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('polls with the last ETag (304), stops while hidden and asks at once when shown again', async () => {
    const { page, context, errors } = await open(c, 'user');
    const polls: { at: number; status: number; etag: boolean }[] = [];
    page.on('response', (res) => {
      const u = new URL(res.url());
      if (u.pathname === '/api/mailbox' && res.request().method() === 'GET') {
        polls.push({
          at: Date.now(),
          status: res.status(),
          etag: !!res.request().headers()['if-none-match'],
        });
      }
    });
    await page.goto(`${app.url}/mailbox`);
    // The mailbox polls every 5 s (±20 %): the second answer of an unchanged box is a 304.
    await expect.poll(() => polls.some((p) => p.status === 304 && p.etag), { timeout: 20_000 }).toBe(true);
    await setVisible(page, false);
    const hiddenAt = Date.now();
    await page.waitForTimeout(8_000);
    expect(polls.filter((p) => p.at > hiddenAt + 200)).toEqual([]);
    await setVisible(page, true);
    const shownAt = Date.now();
    await expect
      .poll(() => polls.filter((p) => p.at >= shownAt).length, { timeout: 3_000 })
      .toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('uploads a poster on the event form, shows it, and says why a file that is no image is refused', async () => {
    const { page, context, errors } = await open(c, 'organizer');
    await page.goto(`${app.url}/organizer/events/new`);
    const upload = page.getByTestId('image-upload');
    await upload.getByRole('button', { name: c.upload }).waitFor();
    // A text file named like a picture: the server reads its bytes and refuses it (415).
    await page.getByTestId('image-upload-input').setInputFiles({
      name: 'poster.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not an image at all, just words'),
    });
    await page.getByTestId('image-upload-error').getByText(c.notImage).waitFor();
    const png = await sharp({
      create: { width: 900, height: 1200, channels: 3, background: { r: 90, g: 70, b: 200 } },
    })
      .png()
      .toBuffer();
    await page
      .getByTestId('image-upload-input')
      .setInputFiles({ name: 'poster.png', mimeType: 'image/png', buffer: png });
    await page.locator('img.poster-preview').waitFor();
    const url = await page.locator('input[name=posterUrl]').inputValue();
    expect(url).toMatch(/\/api\/files\/[0-9a-f-]{36}\/1280$/);
    expect(await page.getByTestId('image-upload-error').count()).toBe(0);
    await upload.getByRole('button', { name: c.change }).waitFor();
    // The preview is a real picture the browser decoded (a WebP variant).
    expect(
      await page.locator('img.poster-preview').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    await page.locator('img.poster-preview').scrollIntoViewIfNeeded();
    await shellShot(page, `${c.name}-02-poster`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
