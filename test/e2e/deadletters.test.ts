import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, eventually, login, startApp, startSmtp, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';

/** The admin dead-letter page in a real Chromium, ko at desktop width and en at phone width. */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');

let app: TestApp;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

/** A ticket whose mail is refused until it is given up on. */
async function deadMail() {
  const organizer = await login(app, 'organizer');
  const ev = await createEvent(organizer.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 5 }] });
  const buyer = await login(app, 'user');
  const held = await buyer.api.post<{ hold: { id: string } }>('/api/holds', {
    ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
    quantity: 1,
  });
  await buyer.api.post(`/api/holds/${held.body.data?.hold.id}/confirm`);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  smtp = await startSmtp();
  smtp.setRefuse(true);
  app = await startApp(
    'pglite',
    { smtpUrl: smtp.url, mailMaxAttempts: 1, retryBaseMs: 100 },
    { serveWeb: true },
  );
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.close();
});

describe('dead letters page', () => {
  for (const [lang, viewport, texts] of [
    [
      'ko',
      { width: 1280, height: 900 },
      {
        title: '전달 실패 (dead letter)',
        again: '다시 보내기',
        done: '1건을 다시 보냈습니다.',
        empty: '전달 실패한 이벤트가 없습니다.',
      },
    ],
    [
      'en',
      { width: 390, height: 844 },
      { title: 'Dead letters', again: 'Send again', done: '1 sent again.', empty: 'No dead letters.' },
    ],
  ] as const) {
    it(`lists a given-up mail and sends it again (${lang}, ${viewport.width} px)`, async () => {
      smtp.setRefuse(true);
      const before = smtp.messages.length;
      await deadMail();
      const admin = await login(app, 'admin');
      await eventually(async () => {
        const res = await admin.api.get<{ dead: unknown[] }>('/api/admin/events/dead');
        return (res.body.data?.dead.length ?? 0) > 0;
      }, 60_000);
      const context = await browser.newContext({ viewport, locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
      await context.addInitScript(
        ([token, l]) => {
          localStorage.setItem('yeyak.token', token);
          localStorage.setItem('yeyak.lang', l);
        },
        [admin.token, lang] as const,
      );
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${app.url}/admin/events/dead`);
      await page.getByRole('heading', { name: texts.title }).waitFor();
      await page.getByTestId('dead-item').first().waitFor();
      expect(await page.getByTestId('dead-item').count()).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({
        path: resolve(shots, `dead-letters-${lang}-${viewport.width}.png`),
        fullPage: true,
      });
      await expectAccessible(page, `dead-letters-${lang}-${viewport.width}`);

      smtp.setRefuse(false);
      await page.getByRole('button', { name: texts.again, exact: true }).click();
      await page.getByRole('status').filter({ hasText: texts.done }).waitFor();
      await page.getByTestId('dead-empty').filter({ hasText: texts.empty }).waitFor();
      await eventually(async () => smtp.messages.length > before, 30_000);
      await page.screenshot({
        path: resolve(shots, `dead-letters-${lang}-${viewport.width}-after.png`),
        fullPage: true,
      });
      await expectAccessible(page, `dead-letters-${lang}-${viewport.width}-after`);
      expect(errors).toEqual([]);
      await context.close();
    }, 180_000);
  }
});
