import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigQuerySim } from '../../sims/bigquery/index.ts';
import { startDiscordSim } from '../../sims/discord/index.ts';
import { startGatherSim } from '../../sims/gather/index.ts';
import { startKktixSim } from '../../sims/kktix/index.ts';
import { contactOf } from '../../src/modules/registration/sources/kktix.ts';
import { eventually, startApp, type TestApp } from '../helpers.ts';
import { expectAccessible } from './axe.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * The registration pages in a real Chromium against a whole yeyak (PGlite, demo accounts, built
 * web/dist) and the KKTIX, Gather and Discord stand-ins. `npm run build:web` must have run first.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = resolve(root, 'test-results/screenshots');
const EVENT = 7001;

let app: TestApp;
let browser: Browser;
let kktix: Awaited<ReturnType<typeof startKktixSim>>;
let gather: Awaited<ReturnType<typeof startGatherSim>>;
let discord: Awaited<ReturnType<typeof startDiscordSim>>;
let bq: Awaited<ReturnType<typeof startBigQuerySim>>;

const shot = shooter(shots);

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  kktix = await startKktixSim({ seed: 21, events: [{ id: EVENT, name: 'PyCon-ish 2026', attendees: 12 }] });
  gather = await startGatherSim();
  discord = await startDiscordSim();
  bq = await startBigQuerySim();
  app = await startApp(
    'pglite',
    { registrationKktixIntervalMs: 0 },
    { serveWeb: true, env: { YEYAK_DEMO: '1' } },
  );
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await kktix?.close();
  await gather?.close();
  await discord?.close();
  await bq?.close();
});

describe('registration pages', () => {
  it('connects KKTIX, shows sync status, attendees with action states, a retry, sales and exports (ko, zh-TW, en)', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'ko-KR',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${app.url}/login`);
    await page.locator('input[name=email]').fill('organizer@yeyak.local');
    await page.locator('input[name=password]').fill('yeyak-demo');
    await page.locator('form button[type=submit]').click();
    await page.getByTestId('user-name').waitFor();
    await page.getByRole('link', { name: '등록 자동화' }).click();
    await page.getByRole('heading', { name: '등록 자동화' }).waitFor();

    // A wrong token is refused with the reason, next to the field.
    const form = page.getByTestId('reg-form');
    await form.locator('[name=slug]').fill('pycon-2026');
    await form.locator('[name=name]').fill('PyCon-ish 2026');
    await form.locator('[name=kktixBase]').fill(kktix.url);
    await form.locator('[name=kktixEvent]').fill(String(EVENT));
    await form.locator('[name=kktixToken]').fill('not-the-token');
    await form.locator('[name=venueLink]').fill('https://app.gather.town/app/aBcD1234/yeyak-conf');
    await form.locator('[name=gather]').check();
    await form.locator('[name=gatherSpace]').fill(gather.spaceId);
    await form.locator('[name=gatherKey]').fill(gather.apiKey);
    await form.locator('[name=gatherBase]').fill(gather.url);
    await form.locator('[name=discord]').check();
    await form.locator('[name=discordHook]').fill(discord.createWebhook());
    await form.locator('button[type=submit]').click();
    await page
      .getByText(/KKTIX가 토큰을 거절했습니다/)
      .first()
      .waitFor();
    await shot(page, 'reg-ko-01-wrong-token');

    await form.locator('[name=kktixToken]').fill(kktix.token());
    await form.locator('button[type=submit]').click();
    await page.getByTestId('reg-sync').waitFor();
    const id = page.url().split('/').pop() as string;

    // New buyers, one of them while Gather refuses.
    await eventually(async () => {
      const r = await fetch(`${app.url}/api/registration/events/${id}`, {
        headers: {
          authorization: `Bearer ${await page.evaluate(() => localStorage.getItem('yeyak.token'))}`,
        },
      });
      return (await r.json()).data.event.sync.lastOkAt !== null;
    });
    kktix.addPaid(EVENT, 2);
    gather.fail(403, '{"error":"forbidden"}');
    const [failing] = kktix.addPaid(EVENT, 1);
    await page.getByRole('button', { name: /지금 동기화/ }).click();
    const row = page.getByTestId('reg-attendee').filter({ hasText: contactOf(failing).email as string });
    await eventually(
      async () => {
        await page.reload();
        return (await row.getByText(/Gather 실패 ×[2-9]/).count()) > 0;
      },
      20_000,
      500,
    );
    await row
      .getByText(/Gather refused the API key/)
      .first()
      .waitFor();
    await shot(page, 'reg-ko-02-event');

    gather.recover();
    await row.getByRole('button', { name: '다시 시도' }).click();
    await eventually(
      async () => {
        await page.reload();
        return (await row.getByText('Gather 완료').count()) > 0;
      },
      20_000,
      500,
    );
    expect(Object.keys(gather.guestlist())).toContain((contactOf(failing).email as string).toLowerCase());

    // Exports: the de-identified CSV has no e-mail addresses.
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /비식별 CSV/ }).click(),
    ]);
    const csv = readFileSync((await dl.path()) as string, 'utf8');
    expect(csv).toContain('email_pseudonym');
    expect(csv).not.toMatch(/guest\d+@example\.com/);

    // BigQuery and the bot's server from the settings form; stored secrets are never shown back.
    const bqCard = page.getByTestId('reg-bigquery');
    await bqCard.getByText(/설정되지 않음/).waitFor();
    expect(await form.locator('[name=kktixToken]').inputValue()).toBe('');
    expect(await form.locator('[name=discordHook]').inputValue()).toBe('');
    await form.getByText('저장됨 — 비워 두면 유지').first().waitFor();
    expect(await page.content()).not.toContain(kktix.token());
    await form.locator('[name=discordGuild]').fill(discord.guildId);
    await form.locator('[name=bq]').check();
    await form.locator('[name=bqProject]').fill('My Project');
    await form.locator('[name=bqDataset]').fill('reg');
    await form.locator('[name=bqTable]').fill('attendees');
    await form.locator('[name=bqEndpoint]').fill(bq.url);
    await form.locator('button[type=submit]').click();
    // A bad project id is refused and named next to its field; nothing is saved.
    await form
      .locator('.field-invalid')
      .filter({ has: page.locator('[name=bqProject]') })
      .waitFor();
    await bqCard.getByText(/설정되지 않음/).waitFor();
    await form.locator('[name=bqProject]').fill('yeyak-test');
    await form.locator('button[type=submit]').click();
    await form.getByText('저장했습니다.').waitFor();
    await bqCard.getByText('yeyak-test.reg.attendees').waitFor();
    await bqCard.getByRole('button', { name: /BigQuery로 적재/ }).click();
    const loaded = bqCard.getByTestId('reg-bigquery-result');
    await loaded.waitFor();
    const rows = bq.rows('reg', 'attendees');
    expect(rows.length).toBeGreaterThan(12);
    expect(await loaded.textContent()).toContain(
      `yeyak-test.reg.attendees에 ${rows.length}행을 적재했습니다`,
    );
    expect(JSON.stringify(rows)).not.toMatch(/guest\d+@example\.com/);
    const saved = await fetch(`${app.url}/api/registration/events/${id}`, {
      headers: {
        authorization: `Bearer ${await page.evaluate(() => localStorage.getItem('yeyak.token'))}`,
      },
    }).then((r) => r.json());
    expect(saved.data.event.discordGuildId).toBe(discord.guildId);
    expect(saved.data.event.settings.bigquery).toEqual({
      projectId: 'yeyak-test',
      datasetId: 'reg',
      tableId: 'attendees',
      apiEndpoint: bq.url,
    });
    await bqCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(shots, 'reg-ko-03-bigquery.png') });
    await expectAccessible(page, `reg-ko-03-bigquery`);
    // A load that fails shows why, in place.
    await bq.close();
    await bqCard.getByRole('button', { name: /BigQuery로 적재/ }).click();
    await bqCard
      .getByRole('alert')
      .getByText(/BigQuery/)
      .waitFor();

    // Traditional Chinese and English.
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '同步狀態' }).waitFor();
    await page.getByRole('heading', { name: '每日各票種銷售' }).waitFor();
    await shot(page, 'reg-zh-04-event');
    // One language switch, the app's: 中文 joins KO and EN on the registration pages.
    expect(await page.locator('fieldset.lang-switch').count()).toBe(1);
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { name: 'Sync status' }).waitFor();
    await shot(page, 'reg-en-05-event');
    await page.goto(`${app.url}/registration`);
    await page.getByTestId('reg-list').getByText('pycon-2026').waitFor();
    await shot(page, 'reg-en-06-list');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 90_000);

  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const)
    it(`sets up from a list of events and saves KKTIX out of reach as not tested (${label})`, async () => {
      const context = await browser.newContext({ viewport, locale: 'ko-KR' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${app.url}/login`);
      await page.locator('input[name=email]').fill('organizer@yeyak.local');
      await page.locator('input[name=password]').fill('yeyak-demo');
      await page.locator('form button[type=submit]').click();
      await page.getByTestId('user-name').waitFor();
      await page.goto(`${app.url}/registration`);
      await page.getByRole('heading', { name: '등록 자동화' }).waitFor();

      // A yeyak event is picked by its title, not typed as an id.
      const form = page.getByTestId('reg-form');
      await form.locator('[name=slug]').fill(`own-${label}`);
      await form.locator('[name=name]').fill('Own show');
      await form.locator('[name=source]').selectOption('tickets');
      const picker = form.locator('select[name=ticketsEvent]');
      await picker.locator('option').nth(1).waitFor({ state: 'attached' });
      expect(await picker.locator('option').first().textContent()).toBe('공연을 고르세요…');
      const picked = await picker.locator('option').nth(1).getAttribute('value');
      expect(picked).toMatch(/^[0-9a-f-]{36}$/);
      await picker.selectOption(picked as string);
      await shot(page, `reg-${label}-07-pick-event`);
      await form.locator('button[type=submit]').click();
      await page.getByTestId('reg-sync').waitFor();

      // KKTIX unreachable: saved, "not tested", with a button to test again.
      await page.goto(`${app.url}/registration`);
      await form.locator('[name=slug]').fill(`later-${label}`);
      await form.locator('[name=name]').fill('Later');
      await form.locator('[name=kktixBase]').fill('http://127.0.0.1:9/api/v2');
      await form.locator('[name=kktixEvent]').fill('123');
      await form.locator('[name=kktixToken]').fill('some-token-123');
      await form.locator('button[type=submit]').click();
      const check = page.getByTestId('reg-check');
      await check.getByText(/테스트 안 됨: KKTIX에 연결할 수 없었습니다/).waitFor({ timeout: 45_000 });
      await shot(page, `reg-${label}-08-not-tested`);
      await check.getByRole('button', { name: '지금 테스트' }).click();
      await check.getByRole('button', { name: '지금 테스트' }).waitFor({ timeout: 45_000 });
      await check.getByText(/테스트 안 됨/).waitFor();

      // The same page in 中文 from the one switch, then back to Korean.
      await page.getByRole('button', { name: '中文' }).click();
      await check.getByText(/未測試：無法連上 KKTIX/).waitFor();
      await page.getByRole('button', { name: '立即測試' }).waitFor();
      await shot(page, `reg-${label}-09-zh`);
      await page.getByRole('button', { name: 'KO', exact: true }).click();
      await check.getByText(/테스트 안 됨/).waitFor();
      expect(pageErrors).toEqual([]);
      await context.close();
    }, 120_000);
});
