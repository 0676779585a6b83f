import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createEvent, startApp, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';

/**
 * The welcome-mail template on the registration page: the Liquid help, a refused template named
 * next to its field, and the notice for an old Eta template with code (kept, never run). Needs
 * `npm run build:web` first.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');

let app: TestApp;
let browser: Browser;
let eventId: string;

/** The mail settings as an event saved before Liquid holds them: Eta, the body with code. */
const flagged = () =>
  app.y.ctx.database.raw(
    `update registration_events set settings = jsonb_set(settings, '{mail}', $2::jsonb) where id = $1`,
    [
      eventId,
      JSON.stringify({
        enabled: true,
        subject: 'Hi <%= it.name %>',
        template: "<p><%= process.getBuiltinModule('child_process').execSync('id') %></p>",
      }),
    ],
  );

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true, env: { YEYAK_DEMO: '1' } });
  browser = await launchBrowser();
  const login = await client(app.url).post<{ token: string }>('/api/auth/login', {
    email: 'organizer@yeyak.local',
    password: 'yeyak-demo',
  });
  const org = client(app.url, login.body.data!.token);
  const tev = await createEvent(org);
  const res = await org.post<{ event: { id: string } }>('/api/registration/events', {
    slug: 'tpl-e2e',
    name: 'Template e2e',
    source: 'tickets',
    ticketsEventId: tev.id,
    mail: { enabled: true },
  });
  eventId = res.body.data!.event.id;
  await flagged();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('welcome-mail template on the registration page', () => {
  for (const [label, viewport, locale, lang] of [
    ['desktop-ko', { width: 1280, height: 900 }, 'ko-KR', 'ko'],
    ['phone-en', { width: 390, height: 844 }, 'en-US', 'en'],
  ] as const) {
    it(`flags an old template with code, helps with Liquid and names a refused line (${label})`, async () => {
      const context = await browser.newContext({ viewport, locale });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${app.url}/login`);
      await page.locator('input[name=email]').fill('organizer@yeyak.local');
      await page.locator('input[name=password]').fill('yeyak-demo');
      await page.locator('form button[type=submit]').click();
      await page.getByTestId('user-name').waitFor();
      await page.goto(`${app.url}/registration/${eventId}`);
      const notice = page.getByTestId('reg-mail-attention');
      await notice.waitFor();
      // The account remembers its language: pick this width's one on the page's switch.
      await page.getByRole('button', { name: lang === 'ko' ? 'KO' : 'EN', exact: true }).click();
      expect(await notice.textContent()).toMatch(
        lang === 'ko' ? /더 이상 실행되지 않습니다/ : /no longer run/,
      );
      const form = page.getByTestId('reg-form');
      // The subject was variable-only Eta: shown converted; the body as it was.
      expect(await form.locator('[name=mailSubject]').inputValue()).toBe('Hi {{ name }}');
      expect(await form.locator('[name=mailTemplate]').inputValue()).toContain('<%=');
      await form.getByText(/eventName, slug, ticketName, quantity, venueLink, date/).waitFor();
      await notice.scrollIntoViewIfNeeded();
      await page.screenshot({ path: resolve(shots, `reg-template-${label}-01-flagged.png`) });
      await expectAccessible(page, `reg-template-${label}-01-flagged`);

      await form.locator('[name=mailTemplate]').fill('<p>Hello {{ name }}</p>\n<p>{{ secret }}</p>');
      await form.locator('button[type=submit]').click();
      const invalid = form.locator('.field-invalid').filter({ has: page.locator('[name=mailTemplate]') });
      await invalid.getByText("line 2, column 7: unknown variable 'secret'").waitFor();
      await invalid.scrollIntoViewIfNeeded();
      await page.screenshot({ path: resolve(shots, `reg-template-${label}-02-refused.png`) });
      await expectAccessible(page, `reg-template-${label}-02-refused`);

      await form
        .locator('[name=mailTemplate]')
        .fill('<p>Hello {{ name }}</p>{% if venueLink %}<p>{{ venueLink }}</p>{% endif %}');
      await form.locator('button[type=submit]').click();
      await notice.waitFor({ state: 'detached' });
      expect(pageErrors).toEqual([]);
      await context.close();
      await flagged(); // again for the next width
    }, 120_000);
  }
});
