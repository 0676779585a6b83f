import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InAppNotice } from '../../src/platform/notify/index.ts';
import { backends, client, login, startApp, type TestApp } from '../helpers.ts';

type Page = { notifications: InAppNotice[]; nextBefore: string | null; unread: number };

/** In-app notifications over HTTP: delivered through ctx.notify, listed, counted, marked read. */
for (const backend of backends) {
  describe(`in-app notifications on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp(backend);
    }, 120_000);
    afterAll(async () => {
      await t?.stop();
    });

    const userId = async (token: string) =>
      (await client(t.url, token).get<{ user: { id: string } }>('/api/auth/me')).body.data!.user.id;
    const deliver = (to: string, title: string, opts: { link?: string; eventId?: string } = {}) =>
      t.y.ctx.notify.deliver(
        opts.eventId ?? crypto.randomUUID(),
        to,
        ['inapp'],
        { title, lines: ['첫 줄 / first line', '<b>not html</b>'], link: opts.link ?? '/rail/reservations' },
        { scope: 'test-inapp', kind: 'test.notice' },
      );

    it('lists, counts, marks one read and then all, once per event', async () => {
      const me = await login(t);
      const id = await userId(me.token);
      const eventId = crypto.randomUUID();
      expect((await deliver(id, 'first', { eventId }))[0]).toMatchObject({
        channel: 'inapp',
        status: 'sent',
      });
      // The same event again writes nothing more.
      expect((await deliver(id, 'first', { eventId }))[0]).toMatchObject({ status: 'already' });
      await deliver(id, 'second');

      const list = await me.api.get<Page>('/api/notifications');
      expect(list.status).toBe(200);
      const page = list.body.data!;
      expect(page.unread).toBe(2);
      expect(page.notifications.map((n) => n.title)).toEqual(['second', 'first']);
      expect(page.notifications[1]).toMatchObject({
        kind: 'test.notice',
        body: '첫 줄 / first line\n<b>not html</b>',
        link: '/rail/reservations',
        readAt: null,
      });
      expect((await me.api.get('/api/notifications/unread')).body.data).toEqual({ unread: 2 });

      const first = page.notifications[1].id;
      const read = await me.api.post(`/api/notifications/${first}/read`);
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual({ unread: 1 });
      // Reading it again is fine and changes nothing.
      expect((await me.api.post(`/api/notifications/${first}/read`)).body.data).toEqual({ unread: 1 });
      const after = (await me.api.get<Page>('/api/notifications')).body.data!;
      expect(after.notifications.find((n) => n.id === first)?.readAt).toEqual(expect.any(String));

      const all = await me.api.post('/api/notifications/read-all');
      expect(all.status).toBe(200);
      expect(all.body.data).toMatchObject({ marked: 1, unread: 0 });
      expect((await me.api.get('/api/notifications/unread')).body.data).toEqual({ unread: 0 });
    });

    it('answers a poll that sends the last ETag with a bodiless 304 until something changes', async () => {
      const me = await login(t);
      const id = await userId(me.token);
      const ask = (etag?: string) =>
        fetch(`${t.url}/api/notifications/unread`, {
          headers: { authorization: `Bearer ${me.token}`, ...(etag ? { 'if-none-match': etag } : {}) },
        });
      const first = await ask();
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^W\/"/);
      const same = await ask(etag ?? undefined);
      expect(same.status).toBe(304);
      expect(await same.text()).toBe('');
      // Another user's copy has another body, so another tag: it is no key to this one.
      const other = await login(t);
      const theirs = await fetch(`${t.url}/api/notifications/unread`, {
        headers: { authorization: `Bearer ${other.token}`, 'if-none-match': 'W/"forged"' },
      });
      expect(theirs.status).toBe(200);
      await deliver(id, 'new one');
      const changed = await ask(etag ?? undefined);
      expect(changed.status).toBe(200);
      expect(((await changed.json()) as { data: { unread: number } }).data.unread).toBe(1);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });

    it('pages newest first with before=<id>', async () => {
      const me = await login(t);
      const id = await userId(me.token);
      for (let i = 1; i <= 5; i++) await deliver(id, `n${i}`);
      const seen: string[] = [];
      let before: string | null = null;
      let pages = 0;
      do {
        const q: string = before ? `&before=${before}` : '';
        const res = await me.api.get<Page>(`/api/notifications?limit=2${q}`);
        expect(res.status).toBe(200);
        const data: Page = res.body.data!;
        expect(data.unread).toBe(5);
        seen.push(...data.notifications.map((n) => n.title));
        before = data.nextBefore;
        pages++;
      } while (before && pages < 10);
      expect(seen).toEqual(['n5', 'n4', 'n3', 'n2', 'n1']);
      expect(pages).toBe(3);
    });

    it('shows only your own: another user’s notification is not found', async () => {
      const [a, b] = [await login(t), await login(t)];
      await deliver(await userId(a.token), 'for a');
      const aId = (await a.api.get<Page>('/api/notifications')).body.data!.notifications[0].id;
      expect((await b.api.get<Page>('/api/notifications')).body.data).toMatchObject({
        notifications: [],
        unread: 0,
      });
      const theirs = await b.api.post(`/api/notifications/${aId}/read`);
      const missing = await b.api.post(`/api/notifications/${crypto.randomUUID()}/read`);
      expect(theirs.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(theirs.body.description).toBe(missing.body.description);
      expect((await b.api.get(`/api/notifications?before=${aId}`)).status).toBe(404);
      // Still unread for its owner; b's read-all does not touch it.
      await b.api.post('/api/notifications/read-all');
      expect((await a.api.get('/api/notifications/unread')).body.data).toEqual({ unread: 1 });
    });

    it('refuses bad ids and limits naming the field, and anonymous callers', async () => {
      const me = await login(t);
      const badId = await me.api.post('/api/notifications/not-an-id/read');
      expect(badId.status).toBe(400);
      expect(JSON.stringify(badId.body)).toContain('id');
      const badBefore = await me.api.get('/api/notifications?before=42');
      expect(badBefore.status).toBe(400);
      expect(JSON.stringify(badBefore.body)).toContain('before');
      const badLimit = await me.api.get('/api/notifications?limit=0');
      expect(badLimit.status).toBe(400);
      expect(JSON.stringify(badLimit.body)).toContain('limit');
      expect((await client(t.url).get('/api/notifications/unread')).status).toBe(401);
      expect((await client(t.url).get('/api/notifications')).status).toBe(401);
    });

    it('refuses a link that is not a path in this site and writes nothing', async () => {
      const me = await login(t);
      const id = await userId(me.token);
      for (const link of [
        'https://evil.example/',
        'javascript:alert(1)',
        '//evil.example/x',
        '/\\evil.example',
        'rail/reservations',
        '/rail/ reservations',
        '',
      ]) {
        const [d] = await deliver(id, 'bad', { link });
        expect(d.status, link).toBe('failed');
        expect(String(d.error)).toMatch(/link/);
      }
      expect((await me.api.get('/api/notifications/unread')).body.data).toEqual({ unread: 0 });
      // A path with a query is fine.
      expect((await deliver(id, 'good', { link: '/rail/watches?tab=1' }))[0].status).toBe('sent');
    });

    it('has nowhere to go without a user', async () => {
      const [d] = await t.y.ctx.notify.deliver(
        crypto.randomUUID(),
        { email: 'someone@test.yeyak' },
        ['inapp'],
        { title: 'x', lines: [] },
        { scope: 'test-inapp' },
      );
      expect(d).toMatchObject({ channel: 'inapp', status: 'not_set_up' });
    });
  });
}
