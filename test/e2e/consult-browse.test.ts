import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBrowseDemo } from '../../src/modules/consult/browse-demo.ts';
import { consult } from '../../src/modules/consult/index.ts';
import { consultItems } from '../../src/modules/consult/schema.ts';
import { makeCounselor, makeRequest } from '../consult/discovery-fixtures.ts';
import { login, startApp, type TestApp } from '../helpers.ts';
import { launchBrowser } from './browser.ts';
import { shooter } from './shots.ts';

/**
 * Browsing the marketplace in Chromium: home → counselors → filter → profile → bookmark and like;
 * a board post with a <script> in it is shown as text. Desktop in Korean, phone in English;
 * screenshots to /tmp/shots-consult-browse.
 */

const shots = '/tmp/shots-consult-browse';
let app: TestApp;
let browser: Browser;
const ids: Record<string, string> = {};

type Watched = { page: Page; context: BrowserContext; errors: string[] };

async function open(
  lang: 'ko' | 'en',
  viewport: { width: number; height: number },
  token?: string,
): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: lang === 'en' ? 'en-GB' : 'ko-KR' });
  await context.addInitScript(
    ([l, tk]) => {
      localStorage.setItem('yeyak.lang', l as string);
      if (tk) localStorage.setItem('yeyak.token', tk);
    },
    [lang, token ?? ''],
  );
  const errors: string[] = [];
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`http ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return { page, context, errors };
}

const shot = shooter(shots);

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startApp('pglite', {}, { serveWeb: true, modules: [consult] });
  const y = app.y;
  const specs = [
    { key: 'sun', name: '해님도사', status: 'online' as const, weight: 5, categories: ['사주', '궁합'] },
    {
      key: 'moon',
      name: '달빛타로',
      status: 'online' as const,
      categories: ['타로'],
      services: ['chat' as const, 'cafe' as const],
    },
    { key: 'star', name: '별자리', status: 'busy' as const, categories: ['신점'] },
    {
      key: 'cloud',
      name: '구름선생',
      status: 'offline' as const,
      categories: ['작명', '풍수'],
      services: ['visit' as const],
    },
  ];
  for (const s of specs) ids[s.key] = (await makeCounselor(y, s)).id;
  await y.ctx.database.db.insert(consultItems).values([
    { counselorId: ids.sun as string, kind: 'phone', title: '전화 상담', price: 900 },
    {
      counselorId: ids.sun as string,
      kind: 'chat',
      title: '채팅 상담 30분',
      description: '카톡처럼 편하게',
      price: 15_000,
    },
  ]);
  const admin = await y.auth.addUser({
    email: 'e2e-admin@test.yeyak',
    password: 'password-123',
    role: 'admin',
  });
  const writers = [];
  for (let i = 0; i < 3; i++) {
    const w = await y.auth.addUser({
      email: `writer${i}@test.yeyak`,
      password: 'password-123',
      role: 'user',
    });
    await y.ctx.database.raw('update users set nickname = $1 where id = $2', [`작성자${i + 1}`, w.id]);
    writers.push({ ...w, nickname: `작성자${i + 1}` });
  }
  await seedBrowseDemo(y.ctx, y.consult, { admin, writers, counselorIds: Object.values(ids) });
  await y.ctx.settings.update(null, {
    values: {
      'consult.contact':
        '상호: 예약상담 주식회사\n대표: 홍길동\n사업자등록번호: 123-45-67890\n고객센터: 1588-0000',
      'consult.terms': '제1조 (목적)\n이 약관은 <b>예약 상담</b> 서비스 이용 조건을 정합니다.',
    },
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const cases = [
  {
    name: 'desktop-ko',
    lang: 'ko',
    viewport: { width: 1280, height: 800 },
    online: '지금 상담 가능',
    onlineOnly: '지금 가능한 상담사만',
    bookmark: '☆ 즐겨찾기',
    bookmarked: '★ 즐겨찾기됨',
    like: '♡ 좋아요',
    likes: (n: number) => `좋아요 ${n}`,
    write: '글쓰기',
    publish: '올리기',
    sendReview: '후기 올리기',
    reviewSent: '후기를 올렸습니다',
  },
  {
    name: 'phone-en',
    lang: 'en',
    viewport: { width: 390, height: 844 },
    online: 'Available now',
    onlineOnly: 'Available now only',
    bookmark: '☆ Bookmark',
    bookmarked: '★ Bookmarked',
    like: '♡ Like',
    likes: (n: number) => `♥ ${n}`,
    write: 'Write',
    publish: 'Publish',
    sendReview: 'Post review',
    reviewSent: 'Review posted',
  },
] as const;

describe.each(cases)('consult browsing ($name)', (c) => {
  it('home → counselors → filter → profile → bookmark and like', async () => {
    const user = await login(app);
    const w = await open(c.lang, c.viewport, user.token);
    const { page } = w;
    await page.goto(`${app.url}/consult`);
    await page.getByRole('heading', { name: c.online }).waitFor();
    const online = page.getByTestId('online').getByTestId('counselor-card');
    await expect.poll(() => online.allInnerTexts()).toHaveLength(2);
    await page.getByTestId('notices').getByText('예약 상담 서비스 오픈 안내').waitFor();
    await shot(page, `${c.name}-01-home`);

    await page.getByTestId('section-tabs').getByRole('link').nth(1).click();
    await page.waitForURL(/\/consult\/counselors$/);
    const cards = page.getByTestId('counselor-card');
    await expect.poll(async () => (await cards.allInnerTexts()).length).toBe(4);
    expect((await cards.first().innerText()).includes('해님도사')).toBe(true);
    await shot(page, `${c.name}-02-counselors`);

    await page.getByLabel(c.onlineOnly).check();
    await page.waitForURL(/online=true/);
    await expect.poll(async () => (await cards.allInnerTexts()).length).toBe(2);
    await page.locator('select').first().selectOption('타로');
    await page.waitForURL(/category=/);
    await expect.poll(async () => (await cards.allInnerTexts()).length).toBe(1);
    expect(await cards.first().innerText()).toContain('달빛타로');
    await shot(page, `${c.name}-03-filtered`);

    await cards.first().click();
    await page.waitForURL(new RegExp(`/consult/counselors/${ids.moon}$`));
    await page.getByRole('button', { name: c.bookmark }).click();
    await page.getByRole('button', { name: c.bookmarked }).waitFor();
    const before = await page.getByTestId('like-count').innerText();
    await page.getByRole('button', { name: c.like }).click();
    await expect.poll(() => page.getByTestId('like-count').innerText()).not.toBe(before);
    expect(await page.locator(`a[href="/consult/counselors/${ids.moon}/chat"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/consult/counselors/${ids.moon}/call"]`).count()).toBe(1);
    await page.getByTestId('reviews').waitFor();
    await shot(page, `${c.name}-04-profile`);

    await page.goto(`${app.url}/consult/bookmarks`);
    await expect
      .poll(async () => (await page.getByTestId('counselor-card').allInnerTexts()).join())
      .toContain('달빛타로');
    await shot(page, `${c.name}-05-bookmarks`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('a board post with <script> in it is shown as text', async () => {
    const user = await login(app);
    const w = await open(c.lang, c.viewport, user.token);
    const { page } = w;
    await page.goto(`${app.url}/consult/board`);
    await page.getByTestId('posts').waitFor();
    await shot(page, `${c.name}-06-board`);
    await page.getByTestId('write-post').click();
    const script = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> ${c.name}`;
    await page.locator('input[name="title"]').fill(`<b>굵게?</b> ${c.name}`);
    await page.locator('textarea[name="body"]').fill(script);
    await page.getByTestId('publish').click();
    await page.waitForURL(/\/consult\/board\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('post-body').innerText()).toBe(script);
    expect(await page.getByTestId('post').locator('script, img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.getByRole('heading', { name: `<b>굵게?</b> ${c.name}` }).waitFor();
    await shot(page, `${c.name}-07-post`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('a completed consultation waits on /consult/reviews; the review shows on the profile', async () => {
    const user = await login(app);
    const { rows } = await app.y.ctx.database.raw('select id from users where email = $1', [user.email]);
    await makeRequest(app.y, String(rows[0]?.id), ids.cloud as string);
    const w = await open(c.lang, c.viewport, user.token);
    const { page } = w;
    await page.goto(`${app.url}/consult/reviews`);
    await page.getByRole('button', { name: '4', exact: true }).click();
    const text = `정성스러운 풀이 ${c.name} <i>감사</i>`;
    await page.locator('textarea').fill(text);
    await shot(page, `${c.name}-10-review`);
    await page.getByRole('button', { name: c.sendReview }).click();
    await page.getByText(c.reviewSent).waitFor();
    await page.goto(`${app.url}/consult/counselors/${ids.cloud}`);
    await page.getByTestId('reviews').getByText(text).waitFor();
    expect(w.errors).toEqual([]);
    await w.context.close();
  });

  it('contact, terms (as text) and the consult 404', async () => {
    const w = await open(c.lang, c.viewport);
    const { page } = w;
    await page.goto(`${app.url}/consult/contact`);
    await expect.poll(() => page.getByTestId('setting-text').innerText()).toContain('123-45-67890');
    await shot(page, `${c.name}-08-contact`);
    await page.goto(`${app.url}/consult/terms`);
    await expect.poll(() => page.getByTestId('setting-text').innerText()).toContain('<b>예약 상담</b>');
    await page.goto(`${app.url}/consult/no/such/page`);
    await page.getByTestId('consult-404').waitFor();
    await shot(page, `${c.name}-09-404`);
    expect(w.errors).toEqual([]);
    await w.context.close();
  });
});
