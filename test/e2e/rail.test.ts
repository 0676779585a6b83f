import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RailSim } from '../../sims/rail/server.ts';
import { railMessage } from '../../web/src/pages/rail/messages.ts';
import { client, eventually, type TestApp } from '../helpers.ts';
import { demoApi, kst, logIn, openPage, PASSWORD, shot, startRailDemo, USER } from './rail-pages.ts';

/**
 * The rail pages in a real Chromium against a whole yeyak in demo mode (PGlite, the sandbox operator
 * in-process, built web/dist): search → reserve or watch → live watch state → reservation with its
 * payment countdown → cancel; Korean and English. `npm run build:web` must have run first.
 */

let app: TestApp;
let browser: Browser;
let sim: RailSim;

const open = (lang: 'ko' | 'en') => openPage(browser, lang);
const login = (page: Page) => logIn(page, app.url);

type WatchState = {
  id: string;
  status: string;
  date: string;
  trainNo: string | null;
  trainTypes: string[] | null;
  lastResult: string | null;
  passengers: Record<string, number>;
  seatPolicy: string;
  seatPosition: string;
  deadline: string | null;
  stopBeforeMinutes: number;
  lastPollAt: string | null;
  reservation: {
    id: string;
    pnr: string;
    standby: boolean;
    status: string;
    paymentDeadline: string | null;
    seatCount: number;
    seats: { seatClass: string }[];
  } | null;
};

const userApi = () => demoApi(app.url);

type TrainRow = { trainNo: string; type: string; group: string; departure: string; standby: boolean };

/** Requests the stand-in has answered as SRT (Korail's paths and the shared NetFunnel aside). */
const srtRequests = () =>
  Object.entries(sim.counts().byPath)
    .filter(([path]) => !path.startsWith('/classes/') && path !== '/ts.wseq')
    .reduce((n, [, c]) => n + c, 0);

/** HH:mm of an instant in Korea. */
const kstClock = (iso: string) => new Date(Date.parse(iso) + 9 * 3_600_000).toISOString().slice(11, 16);

/** The demo user's API, and a watch on a train the sim made sold out in both classes. */
async function soldOutWatch(date: string, time: string) {
  const api = await userApi();
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
  ({ app, sim, browser } = await startRailDemo());
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
    // The page says what was won: train, seats, price and the payment deadline counting down.
    await page
      .getByTestId('rail-won')
      .waitFor()
      .catch(async (err) => {
        await shot(page, 'rail-debug');
        throw new Error(`${err}: ${await page.locator('main').innerText()}`);
      });
    // Watch the sold-out one.
    await soldRow.locator('button').click();
    await page.getByText('감시를 시작했습니다').waitFor();

    await page.locator('a.section-tab[href="/rail/watches"]').click();
    const card = page.getByTestId('rail-watch').first();
    await card.and(page.locator('[data-status=trying]')).waitFor();
    await expect(card.getByTestId('rail-watch-progress').textContent()).resolves.toMatch(/시도 \d+회/);
    // How often the budget lets its search be checked, in Korean.
    await expect(card.getByTestId('rail-watch-every').textContent()).resolves.toMatch(
      /^약 \d+(초|분)마다 확인/,
    );
    // The server's "sold out (1 train)", in Korean.
    await expect
      .poll(() => card.getByTestId('rail-watch-progress').textContent())
      .toContain('매진 (열차 1대)');
    await shot(page, 'rail-watches-trying-ko');
    // A seat frees up at the operator: the page shows the reservation without reloading.
    sim.releaseSeats('srt', compact, Number(soldOut.trainNo), 'general', 1);
    await page.locator('[data-testid=rail-watch][data-status=reserved]').waitFor({ timeout: 20_000 });
    await shot(page, 'rail-watches-reserved-ko');

    await page.locator('a.section-tab[href="/rail/reservations"]').click();
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
    await page.locator('a.section-tab[href="/rail"]').click();
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
    await expect(form.locator('input[name=trainNos]').inputValue()).resolves.toBe(String(trainNo));

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
    // Korail runs several families: the filter offers them, in English.
    await page.getByTestId('rail-search').locator('select').first().selectOption('korail');
    await expect(page.getByTestId('rail-train-types').textContent()).resolves.toMatch(
      /Train types.*All.*KTX.*ITX.*Saemaeul.*Mugunghwa.*Other/,
    );
    await page.getByTestId('rail-train-types').locator('input[name=trainType-mugunghwa]').uncheck();
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    await expect.poll(() => page.locator('main').textContent()).toContain('KTX·ITX·Saemaeul·Other only');
    await shot(page, 'rail-search-types-en');
    await page.goto(`${app.url}/rail/settings`);
    await page.getByTestId('rail-notify').waitFor();
    await shot(page, 'rail-settings-en');

    // Editing a watch, in English, with the server's error next to the train number.
    const { id } = await soldOutWatch(kst(8), '18:00');
    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${id}"]`);
    await expect(card.getByTestId('rail-watch-every').textContent()).resolves.toMatch(
      /^checked every ~\d+ (s|min)/,
    );
    await card.getByRole('button', { name: 'Edit' }).click();
    const form = card.getByTestId('rail-watch-edit');
    await expect(form.textContent()).resolves.toContain('Passengers');
    await form.locator('input[name=trainNos]').fill('99999');
    await form.locator('select[name=seatPolicy]').selectOption('special-first');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(
      form.locator('.field-invalid:has(input[name=trainNos]) .field-error').textContent(),
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
  it('searches with all five passenger types and a train-type filter, and watches a window with it (Korean)', async () => {
    const date = kst(10);
    const compact = date.replaceAll('-', '');
    const api = await userApi();
    const ktx = (
      await api.post<{ trains: TrainRow[] }>('/api/rail/search', {
        provider: 'korail',
        from: '서울',
        to: '부산',
        date,
        time: '17:00',
        trainTypes: ['KTX'],
      })
    ).body.data?.trains as TrainRow[];
    expect(ktx.length).toBeGreaterThan(2);
    // The window 17:00 until the third KTX: every KTX in it sold out, so the watch keeps trying.
    const windowTo = `${ktx[2].departure.slice(0, 2)}:${ktx[2].departure.slice(2, 4)}`;
    for (const t of ktx.slice(0, 3)) sim.seedSoldOut('korail', compact, Number(t.trainNo));

    const { page, errors, context } = await open('ko');
    await login(page);
    await page.goto(`${app.url}/rail`);
    const form = page.getByTestId('rail-search');
    // SRT runs only SRT trains: no filter to offer.
    await form.locator('input[name=disability4to6]').waitFor();
    for (const k of ['adult', 'child', 'senior', 'disability1to3', 'disability4to6'])
      expect(await form.locator(`input[name=${k}]`).count()).toBe(1);
    await expect(form.textContent()).resolves.toContain('장애 1~3급');
    expect(await form.getByTestId('rail-train-types').count()).toBe(0);

    await form.locator('select').first().selectOption('korail');
    const types = form.getByTestId('rail-train-types');
    await expect(types.textContent()).resolves.toMatch(/전체.*KTX.*ITX.*새마을.*무궁화.*기타/);
    expect(await types.locator('input[type=checkbox]:checked').count()).toBe(6);
    await form.locator('input[name=date]').fill(date);
    await form.locator('input[name=time]').fill('17:00');
    // Nothing ticked goes to the server as it is; its refusal sits under the filter, in Korean.
    await types.locator('input[name=trainTypes-all]').uncheck();
    await form.locator('button[type=submit]').click();
    await expect(types.locator('.field-error').textContent()).resolves.toContain(
      '열차 종류를 하나 이상 고르세요',
    );
    // …and only there, not again in a box.
    expect(await page.locator('.alert-error').count()).toBe(0);
    await types.locator('input[name=trainType-KTX]').check();
    await form.locator('input[name=adult]').fill('1');
    await form.locator('input[name=disability1to3]').fill('1');
    await form.locator('button[type=submit]').click();
    const table = page.getByTestId('rail-trains');
    await table.waitFor();
    expect(await types.locator('.field-error').count()).toBe(0);
    const shown = await table
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-train')));
    // The KTX trains only (KTX-산천 too), as the server filters them.
    const all = (
      await api.post<{ trains: TrainRow[] }>('/api/rail/search', {
        provider: 'korail',
        from: '서울',
        to: '부산',
        date,
        time: '17:00',
      })
    ).body.data?.trains as TrainRow[];
    expect(all.some((t) => t.group !== 'KTX')).toBe(true);
    expect(shown).toEqual(all.filter((t) => t.group === 'KTX').map((t) => t.trainNo));
    await expect(page.locator('main').textContent()).resolves.toContain('KTX만');
    await shot(page, 'rail-search-types-ko');

    // "Watch every train in this window" carries the filter and all passengers.
    await page.getByLabel('까지', { exact: true }).fill(windowTo);
    await page.getByRole('button', { name: '이 시간대 전체 감시' }).click();
    await page.getByText('감시를 시작했습니다').waitFor();
    const mine = (await api.get<{ watches: WatchState[] }>('/api/rail/watches')).body.data?.watches ?? [];
    const watch = mine.find((w) => w.date === compact) as WatchState;
    expect(watch).toMatchObject({
      trainTypes: ['KTX'],
      passengers: { adult: 1, disability1to3: 1 },
    });

    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${watch.id}"]`);
    await card.and(page.locator('[data-status=trying]')).waitFor();
    await expect(card.getByTestId('rail-watch-terms').textContent()).resolves.toMatch(
      /^KTX만 · 어른 1 · 장애 1~3급 1 · /,
    );
    await expect
      .poll(() => card.getByTestId('rail-watch-progress').textContent())
      .toContain('매진 (열차 3대)');
    // The edit form has the filter too; unticking everything is refused next to it.
    await card.getByRole('button', { name: '수정' }).click();
    const edit = card.getByTestId('rail-watch-edit');
    const editTypes = edit.getByTestId('rail-train-types');
    expect(
      await editTypes
        .locator('input[type=checkbox]:checked')
        .evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).name)),
    ).toEqual(['trainType-KTX']);
    await editTypes.locator('input[name=trainType-KTX]').uncheck();
    await edit.getByRole('button', { name: '저장' }).click();
    await expect(editTypes.locator('.field-error').textContent()).resolves.toContain(
      '열차 종류를 하나 이상 고르세요',
    );
    expect(await edit.getByRole('alert').count()).toBe(0);
    await shot(page, 'rail-watch-edit-types-ko');
    await editTypes.locator('input[name=trainType-KTX]').check();
    await editTypes.locator('input[name=trainType-ITX]').check();
    await edit.getByRole('button', { name: '저장' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => card.getByTestId('rail-watch-terms').textContent()).toMatch(/^KTX·ITX만 · /);
    const edited = (await api.get<{ watch: WatchState }>(`/api/rail/watches/${watch.id}`)).body.data
      ?.watch as WatchState;
    expect(edited.trainTypes).toEqual(['KTX', 'ITX']);
    // Every family ticked again is no filter at all.
    await card.getByRole('button', { name: '수정' }).click();
    await edit.getByTestId('rail-train-types').locator('input[name=trainTypes-all]').check();
    await edit.getByRole('button', { name: '저장' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect
      .poll(
        async () =>
          (await api.get<{ watch: WatchState }>(`/api/rail/watches/${watch.id}`)).body.data?.watch.trainTypes,
      )
      .toBeNull();
    await api.post(`/api/rail/watches/${watch.id}/stop`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a standby request plainly: requested, granted with its countdown, ended (Korean and English)', async () => {
    const date = kst(9);
    const compact = date.replaceAll('-', '');
    const api = await userApi();
    const trains = (
      await api.post<{ trains: TrainRow[] }>('/api/rail/search', {
        provider: 'srt',
        from: '수서',
        to: '부산',
        date,
        time: '09:00',
      })
    ).body.data?.trains as TrainRow[];
    const [granted, ended] = [trains[1], trains[3]];
    for (const t of [granted, ended]) sim.seedSoldOut('srt', compact, Number(t.trainNo));

    const { page, errors, context } = await open('ko');
    await login(page);
    await page.goto(`${app.url}/rail`);
    await page.locator('input[name=date]').fill(date);
    await page.locator('input[name=time]').fill('09:00');
    await page.getByLabel('매진이면 예약대기 신청').check();
    await page.locator('[data-testid=rail-search] button[type=submit]').click();
    const row = page.getByTestId('rail-trains').locator(`tr[data-train="${granted.trainNo}"]`);
    await expect(row.textContent()).resolves.toContain('대기');
    await row.getByRole('button', { name: '빈자리 감시' }).click();
    await page.getByText('감시를 시작했습니다').waitFor();
    const second = await api.post<{ watch: WatchState }>('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      trainNo: ended.trainNo,
      passengers: { adult: 1 },
      standby: true,
    });
    expect(second.status).toBe(201);
    const watches = async () =>
      ((await api.get<{ watches: WatchState[] }>('/api/rail/watches')).body.data?.watches ?? []).filter(
        (w) => w.date === compact,
      );
    // Both watches place a standby request (the trains stay sold out).
    const placed = await eventually(async () => {
      const ws = await watches();
      return ws.length === 2 && ws.every((w) => w.reservation?.standby) ? ws : undefined;
    });
    const watchOf = (t: TrainRow) => placed.find((w) => w.trainNo === t.trainNo) as WatchState;
    const grantedRes = watchOf(granted).reservation as NonNullable<WatchState['reservation']>;
    const endedRes = watchOf(ended).reservation as NonNullable<WatchState['reservation']>;
    expect(grantedRes.paymentDeadline).toBeNull();

    // The watch cards: a request, not a seat.
    await page.goto(`${app.url}/rail/watches`);
    const card = page.locator(`[data-watch="${watchOf(granted).id}"]`);
    await card.and(page.locator('[data-shown=standby]')).waitFor();
    await expect(card.textContent()).resolves.toContain('예약대기 중');
    await expect(card.getByTestId('rail-watch-standby').textContent()).resolves.toContain(
      '좌석이 배정되면 바로 알려 드립니다',
    );
    await expect(card.textContent()).resolves.not.toContain('예약됨');
    // The server's "standby requested <pnr>" is a request, not a seat.
    await expect(card.getByTestId('rail-watch-progress').textContent()).resolves.toContain(
      `예약대기 신청함 (예약번호 ${grantedRes.pnr}, 아직 좌석 아님)`,
    );
    await shot(page, 'rail-watches-standby-ko');

    // My rail reservations: requested, no countdown, cancel as a request.
    await page.locator('a.section-tab[href="/rail/reservations"]').click();
    const grantedCard = page.locator(`[data-reservation="${grantedRes.id}"]`);
    const endedCard = page.locator(`[data-reservation="${endedRes.id}"]`);
    await grantedCard.and(page.locator('[data-status=standby]')).waitFor();
    await expect(grantedCard.textContent()).resolves.toContain('예약대기 중');
    await expect(grantedCard.getByTestId('rail-standby-note').textContent()).resolves.toContain(
      '좌석이 배정되면 바로 알려 드리고',
    );
    expect(await grantedCard.getByTestId('rail-countdown').count()).toBe(0);
    await expect(grantedCard.textContent()).resolves.toContain('1석 · 좌석 번호는 배정 후에');
    await expect(grantedCard.getByRole('button').textContent()).resolves.toBe('예약대기 취소');
    await shot(page, 'rail-reservations-standby-ko');

    const en = await open('en');
    await login(en.page);
    await en.page.goto(`${app.url}/rail/reservations`);
    const enGranted = en.page.locator(`[data-reservation="${grantedRes.id}"]`);
    await enGranted.and(en.page.locator('[data-status=standby]')).waitFor();
    await expect(enGranted.textContent()).resolves.toContain(
      'Standby requested — we tell you when a seat is granted',
    );
    await shot(en.page, 'rail-reservations-standby-en');

    // A cancellation frees a seat; the operator gives it to the first request. The page, still open,
    // turns it into a seat with a countdown to the operator's deadline.
    sim.releaseSeats('srt', compact, Number(granted.trainNo), 'general', 1);
    // The operator drops the other request (it can be cancelled in the operator's app).
    const simRes = sim.world.reservations.get(endedRes.pnr);
    expect(sim.world.cancel('srt', simRes?.memberNo as string, endedRes.pnr)).toBe('ok');
    // (The minute job may get there first; either way the pages must show the outcome.)
    await app.y.rail.followStandby();
    await grantedCard.and(page.locator('[data-status=held]')).waitFor({ timeout: 10_000 });
    const countdown = grantedCard.getByTestId('rail-countdown');
    await expect(countdown.textContent()).resolves.toMatch(/남은 시간\d\d:\d\d/);
    await page.reload();
    await endedCard.and(page.locator('[data-status=standbyEnded]')).waitFor();
    await expect(endedCard.textContent()).resolves.toContain('예약대기 종료');
    await expect(endedCard.getByTestId('rail-standby-note').textContent()).resolves.toBe(
      '좌석이 배정되지 않고 예약대기가 끝났습니다.',
    );
    expect(await endedCard.getByRole('button').count()).toBe(0);
    await shot(page, 'rail-reservations-standby-after-ko');

    // The dropped request sent its watch back to work; the granted one is reserved with a deadline.
    await page.goto(`${app.url}/rail/watches`);
    const endedWatch = page.locator(`[data-watch="${watchOf(ended).id}"]`);
    await endedWatch.and(page.locator('[data-status=trying]')).waitFor();
    await card.and(page.locator('[data-shown=reserved]')).waitFor();
    await expect(card.getByTestId('rail-watch-reservation').textContent()).resolves.toContain('결제 기한');
    await shot(page, 'rail-watches-standby-after-ko');

    await en.page.reload();
    await enGranted.and(en.page.locator('[data-status=held]')).waitFor();
    await expect(enGranted.textContent()).resolves.toContain('Awaiting payment');
    await expect(en.page.locator(`[data-reservation="${endedRes.id}"]`).textContent()).resolves.toContain(
      'Standby ended',
    );
    await shot(en.page, 'rail-reservations-standby-after-en');
    await api.post(`/api/rail/watches/${watchOf(ended).id}/stop`);
    expect([...errors, ...en.errors]).toEqual([]);
    await en.context.close();
    await context.close();
  });

  it("puts the server's watch results and reasons into Korean, keeping unknown ones as sent", () => {
    const ko = (m: string) => railMessage(m, 'ko');
    expect(ko('sold out (1 train)')).toBe('매진 (열차 1대)');
    expect(ko('sold out (3 trains)')).toBe('매진 (열차 3대)');
    expect(ko('no matching train')).toBe('조건에 맞는 열차 없음');
    expect(ko('lost the race for 351')).toBe('351번 열차 빈자리를 다른 사람이 먼저 잡음');
    expect(ko('lost the seat on 351 (sold-out)')).toBe('351번 열차 자리를 놓침 (매진)');
    expect(ko('reserved 320212345678')).toBe('예약 완료 (예약번호 320212345678)');
    expect(ko('error: no train 99 from 수서 to 부산 on 20261224')).toBe(
      '오류: 20261224 수서→부산 구간에 99번 열차가 없습니다.',
    );
    expect(ko('error: something new')).toBe('오류: something new');
    expect(ko('standby 3202999 ended without a seat; trying for a seat again')).toBe(
      '예약대기 종료: 3202999은(는) 좌석 없이 끝나 다시 빈자리를 찾는 중',
    );
    expect(ko('deadline passed without a seat')).toBe('감시 기한까지 좌석을 잡지 못했습니다.');
    expect(
      ko(
        'SRT blocked us: Your IP Address Blocked due to abnormal access.. Every SRT watch stopped; yeyak sends nothing to SRT until 2026-11-23 18:08 KST. There is no workaround: start the watch again after that.',
      ),
    ).toBe(
      'SRT이(가) 이 서버를 차단했습니다 (운영사 메시지: Your IP Address Blocked due to abnormal access). SRT 감시를 모두 중지했고 2026-11-23 18:08(한국 시간)까지 SRT에 아무 요청도 보내지 않습니다. 우회 방법은 없으니 그 뒤에 감시를 다시 시작하세요.',
    );
    expect(ko('something the server says one day')).toBe('something the server says one day');
    expect(railMessage('sold out (1 train)', 'en')).toBe('sold out (1 train)');
  });

  it('shows a paused operator on the search and watches pages, with the time in Korea (Korean and English)', async () => {
    const { id } = await soldOutWatch(kst(11), '12:00');
    sim.blockOperator('srt');
    try {
      // The watch's next poll meets the block: yeyak pauses SRT and stops its watches.
      const paused = await eventually(async () => {
        const p = (
          await client(app.url).get<{ providers: { name: string; pausedUntil: string | null }[] }>(
            '/api/rail/providers',
          )
        ).body.data?.providers.find((x) => x.name === 'srt');
        return p?.pausedUntil ? p.pausedUntil : undefined;
      });
      const until = kstClock(paused);

      const { page, errors, context } = await open('ko');
      await login(page);
      await page.goto(`${app.url}/rail`);
      const banner = page.locator('[data-testid=rail-paused][data-provider=srt]');
      await expect(banner.textContent()).resolves.toContain('SRT 일시 중지: 운영사가 이 서버를 차단했습니다');
      await expect(banner.textContent()).resolves.toMatch(
        new RegExp(`${until}\\(한국 시간\\)까지 yeyak은 SRT에`),
      );
      expect(await page.locator('[data-testid=rail-paused][data-provider=korail]').count()).toBe(0);
      // Searching anyway: nothing goes to SRT, and the answer says why, in Korean.
      const before = srtRequests();
      await page.locator('input[name=date]').fill(kst(11));
      await page.locator('[data-testid=rail-search] button[type=submit]').click();
      await expect(page.locator('.alert-error').textContent()).resolves.toMatch(
        new RegExp(`SRT이\\(가\\) 이 서버를 차단했습니다 .*${until}\\(한국 시간\\)까지 SRT에 아무 요청도`),
      );
      expect(srtRequests()).toBe(before);
      await shot(page, 'rail-paused-search-ko');

      await page.goto(`${app.url}/rail/watches`);
      await banner.waitFor();
      const card = page.locator(`[data-watch="${id}"]`);
      await card.and(page.locator('[data-status=failed]')).waitFor();
      await expect(card.locator('.field-error').textContent()).resolves.toContain(
        'SRT이(가) 이 서버를 차단했습니다',
      );
      await shot(page, 'rail-paused-watches-ko');

      const en = await open('en');
      await login(en.page);
      await en.page.goto(`${app.url}/rail/watches`);
      const enBanner = en.page.locator('[data-testid=rail-paused][data-provider=srt]');
      await expect(enBanner.textContent()).resolves.toContain('SRT paused: SRT blocked this server');
      await expect(enBanner.textContent()).resolves.toContain(`${until} KST yeyak sends nothing to SRT`);
      await shot(en.page, 'rail-paused-watches-en');

      // The pause ends: the banner goes.
      sim.unblock();
      await app.y.rail.pacing.resume(app.y.rail.egressKey('srt'));
      await en.page.reload();
      await en.page.locator('[data-testid=rail-watch]').first().waitFor();
      expect(await enBanner.count()).toBe(0);
      // The refused search answered 503 on purpose; nothing else may fail.
      expect([...errors, ...en.errors].filter((e) => !/503/.test(e))).toEqual([]);
      await en.context.close();
      await context.close();
    } finally {
      sim.unblock();
      await app.y.rail.pacing.resume(app.y.rail.egressKey('srt'));
    }
  });
});
