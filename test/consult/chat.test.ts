import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_CLEARING } from '../../src/modules/consult/wallet.ts';
import { selectRows } from '../../src/platform/db.ts';
import { backends, eventually, login, startApp, type TestApp } from '../helpers.ts';

type Me = Awaited<ReturnType<typeof login>>;
type Room = { id: string; unread: number; blocked: boolean; me: string };
type Message = {
  id: number;
  text: string;
  kind: string;
  from: string;
  mine: boolean;
  requestId: string | null;
};
type Updates = { version: number; cursor: number; unread: number; rooms: Room[]; messages: Message[] };

/** Chat and service items over HTTP: polls with ETags, unread counts, refusals, floods, admins, notices. */
describe.each(backends)('consult chat over HTTP (%s)', (backend) => {
  let t: TestApp;
  let user: Me;
  let coun: Me;
  let other: Me;
  let admin: Me;
  let counselorId: string;
  let roomId: string;

  const rows = <T>(q: ReturnType<typeof sql>) => selectRows<T>(t.y.ctx.database.db, q);

  beforeAll(async () => {
    t = await startApp(backend);
    [user, coun, other, admin] = await Promise.all([login(t), login(t), login(t), login(t, 'admin')]);
    await t.y.consult.counselors.applyLines([
      { code: '801', name: '별님', ratePer30s: 1000, grade: '', status: 'online' },
    ]);
    const [c] = await rows<{ id: string }>(sql`select id from consult_counselors where code = '801'`);
    counselorId = c?.id as string;
    const [acct] = await rows<{ id: string }>(sql`select id from users where email = ${coun.email}`);
    await t.y.consult.counselors.link(counselorId, acct?.id as string);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('service items: own ones edited by the counselor, market refused, price changes logged', async () => {
    const market = await coun.api.post('/api/consult/me/items', {
      kind: 'market',
      title: '운세',
      price: 100,
    });
    expect(market.status).toBe(400);
    expect(market.body.description).toContain('body.kind');
    expect(market.body.description).toContain('fortune market');
    expect(market.body).toMatchObject({ key: 'consult.market_not_open' });
    const free = await coun.api.post('/api/consult/me/items', { kind: 'chat', title: '채팅', price: 0 });
    expect(free.status).toBe(400);
    expect(free.body).toMatchObject({ key: 'validation.min', params: { field: 'price', min: 1 } });
    const notCounselor = await user.api.post('/api/consult/me/items', { kind: 'chat', title: 'x', price: 1 });
    expect(notCounselor.status).toBe(403);
    expect(notCounselor.body).toMatchObject({ key: 'consult.counselor_only_items' });
    const made = await coun.api.post<{ item: { id: string } }>('/api/consult/me/items', {
      kind: 'phone',
      title: '전화 상담',
      price: 900,
    });
    expect(made.status).toBe(201);
    const id = made.body.data?.item.id as string;
    expect((await coun.api.patch(`/api/consult/me/items/${id}`, { price: 1200 })).status).toBe(200);
    const logged = await rows<{ data: { from: number; to: number } }>(
      sql`select data from server_log where message = 'service item price changed' and data->>'itemId' = ${id}`,
    );
    expect(logged.map((l) => [l.data.from, l.data.to])).toEqual([[900, 1200]]);
    expect((await other.api.patch(`/api/consult/me/items/${id}`, { price: 1 })).status).toBe(403);
    const hidden = await coun.api.post<{ item: { id: string } }>('/api/consult/me/items', {
      kind: 'visit',
      title: '방문',
      price: 50000,
      active: false,
    });
    const pub = await user.api.get<{ items: { id: string; price: number }[] }>(
      `/api/consult/counselors/${counselorId}/items`,
    );
    expect(pub.body.data?.items.map((i) => i.id)).toContain(id);
    expect(pub.body.data?.items.map((i) => i.id)).not.toContain(hidden.body.data?.item.id);
    const badPrice = await coun.api.post('/api/consult/me/items', { kind: 'chat', title: 'x', price: 0 });
    expect(badPrice.status).toBe(400);
    expect(badPrice.body.description).toContain('body.price');
  });

  it('one room per pair; messages stored as written; unread counts and read marks; idle poll is a 304', async () => {
    const a = await user.api.post<{ room: Room }>('/api/consult/chat/rooms', { counselorId });
    const b = await user.api.post<{ room: Room }>('/api/consult/chat/rooms', { counselorId });
    expect(a.status).toBe(200);
    roomId = a.body.data?.room.id as string;
    expect(b.body.data?.room.id).toBe(roomId);
    const self = await coun.api.post('/api/consult/chat/rooms', { counselorId });
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({
      key: 'consult.chat_self',
      data: { errors: [{ key: 'consult.chat_self' }] },
    });

    // The counselor starts polling: the cursor, then a 304 while nothing happens.
    const first = await coun.api.raw('/api/consult/chat/updates');
    expect(first.status).toBe(200);
    const start = ((await first.json()) as { data: Updates }).data;
    const path = `/api/consult/chat/updates?after=${start.cursor}`;
    const second = await coun.api.raw(path);
    const etag = second.headers.get('etag') as string;
    expect(etag).toMatch(/^W\/"chat-/);
    const idle = await coun.api.raw(path, { headers: { 'if-none-match': etag } });
    expect(idle.status).toBe(304);

    const html = '<script>alert(1)</script><b>안녕</b> & "hi"';
    const sent = await user.api.post<{ message: Message }>(`/api/consult/chat/rooms/${roomId}/messages`, {
      text: html,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.data?.message.text).toBe(html);

    const news = await coun.api.raw(path, { headers: { 'if-none-match': etag } });
    expect(news.status).toBe(200);
    const got = ((await news.json()) as { data: Updates }).data;
    expect(got.messages.map((m) => [m.text, m.from, m.mine])).toEqual([[html, 'user', false]]);
    expect(got.unread).toBe(1);
    expect(got.rooms.find((r) => r.id === roomId)?.unread).toBe(1);

    const read = await coun.api.post(`/api/consult/chat/rooms/${roomId}/read`, { upTo: got.cursor });
    expect(read.status).toBe(200);
    const after = await coun.api.get<Updates>(`/api/consult/chat/updates?after=${got.cursor}`);
    expect(after.body.data?.unread).toBe(0);
    expect(after.body.data?.messages).toEqual([]);
    // The sender's own message never counts as unread for them.
    const mine = await user.api.get<{ unread: number }>('/api/consult/chat/rooms');
    expect(mine.body.data?.unread).toBe(0);
  });

  it('refuses over-long and empty messages, foreign rooms (logged) and foreign images', async () => {
    const long = await user.api.post(`/api/consult/chat/rooms/${roomId}/messages`, {
      text: 'ㄱ'.repeat(2001),
    });
    expect(long.status).toBe(400);
    expect(long.body.description).toContain('body.text');
    const empty = await user.api.post(`/api/consult/chat/rooms/${roomId}/messages`, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(
      (await user.api.post(`/api/consult/chat/rooms/${roomId}/messages`, { text: 'ㄱ'.repeat(2000) })).status,
    ).toBe(201);
    const foreign = await other.api.get(`/api/consult/chat/rooms/${roomId}/messages`);
    expect(foreign.status).toBe(404);
    expect((await other.api.post(`/api/consult/chat/rooms/${roomId}/messages`, { text: 'hi' })).status).toBe(
      404,
    );
    const logged = await rows<{ n: number }>(
      sql`select count(*)::int as n from server_log where message like 'chat room asked for%' and data->>'roomId' = ${roomId}`,
    );
    expect(logged[0]?.n).toBe(2);

    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const form = (purpose: string) => {
      const f = new FormData();
      f.append('purpose', purpose);
      f.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
      return f;
    };
    const up = await other.api.raw('/api/files', { method: 'POST', body: form('chat') });
    expect(up.status).toBe(201);
    const theirs = ((await up.json()) as { data: { file: { id: string } } }).data.file.id;
    const stolen = await user.api.post(`/api/consult/chat/rooms/${roomId}/messages`, { fileId: theirs });
    expect(stolen.status).toBe(400);
    expect(stolen.body.description).toContain('body.fileId');
    expect(stolen.body).toMatchObject({ key: 'consult.not_your_image' });
    const own = await user.api.raw('/api/files', { method: 'POST', body: form('chat') });
    const fileId = ((await own.json()) as { data: { file: { id: string } } }).data.file.id;
    const image = await user.api.post<{ message: Message & { image: { small: string } } }>(
      `/api/consult/chat/rooms/${roomId}/messages`,
      { fileId },
    );
    expect(image.status).toBe(201);
    expect(image.body.data?.message.image.small).toBe(`/api/files/${fileId}/512`);
  });

  it('a message flood is a 429', async () => {
    const flooder = await login(t);
    const room = await flooder.api.post<{ room: Room }>('/api/consult/chat/rooms', { counselorId });
    const id = room.body.data?.room.id as string;
    const answers: number[] = [];
    for (let i = 0; i < 32; i++)
      answers.push(
        (await flooder.api.post(`/api/consult/chat/rooms/${id}/messages`, { text: `${i}` })).status,
      );
    expect(answers.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(answers.slice(30)).toEqual([429, 429]);
    const [count] = await rows<{ n: number }>(
      sql`select count(*)::int as n from consult_messages where room_id = ${id}`,
    );
    expect(count?.n).toBe(30);
  });

  it('block stops messages both ways; reports put the room first for admins; admins answer inquiries only', async () => {
    const blocker = await login(t);
    const room = await blocker.api.post<{ room: Room }>('/api/consult/chat/rooms', { counselorId });
    const id = room.body.data?.room.id as string;
    expect((await blocker.api.post(`/api/consult/chat/rooms/${id}/messages`, { text: '안녕' })).status).toBe(
      201,
    );
    expect((await blocker.api.post(`/api/consult/chat/rooms/${id}/block`)).status).toBe(200);
    const refused = await coun.api.post(`/api/consult/chat/rooms/${id}/messages`, { text: '왜요' });
    expect(refused.status).toBe(409);
    expect((await coun.api.del(`/api/consult/chat/rooms/${id}/block`)).status).toBe(409);
    const report = await blocker.api.post(`/api/consult/chat/rooms/${id}/reports`, { reason: '욕설' });
    expect(report.status).toBe(201);
    expect((await other.api.post(`/api/consult/chat/rooms/${id}/reports`, { reason: 'x' })).status).toBe(404);

    expect((await user.api.get('/api/consult/admin/chats')).status).toBe(403);
    const list = await admin.api.get<{ rooms: { id: string; openReports: number }[] }>(
      '/api/consult/admin/chats',
    );
    expect(list.body.data?.rooms[0]).toMatchObject({ id, openReports: 1 });
    const view = await admin.api.get<{ messages: Message[]; reports: unknown[] }>(
      `/api/consult/admin/chats/${id}`,
    );
    expect(view.body.data?.messages.map((m) => m.text)).toEqual(['안녕']);
    expect(view.body.data?.reports).toHaveLength(1);
    expect(
      (await admin.api.post(`/api/consult/chat/rooms/${roomId}/messages`, { text: '관리자' })).status,
    ).toBe(403);
    expect((await admin.api.post(`/api/consult/admin/chats/${id}/resolve`)).body.data).toEqual({
      resolved: 1,
    });

    const inquiry = await user.api.post<{ room: Room }>('/api/consult/chat/rooms', { kind: 'inquiry' });
    const iq = inquiry.body.data?.room.id as string;
    expect(
      (await user.api.post(`/api/consult/chat/rooms/${iq}/messages`, { text: '환불 문의' })).status,
    ).toBe(201);
    const answer = await admin.api.post<{ message: Message }>(`/api/consult/chat/rooms/${iq}/messages`, {
      text: '확인하겠습니다',
    });
    expect(answer.status).toBe(201);
    const seen = await user.api.get<{ messages: Message[] }>(`/api/consult/chat/rooms/${iq}/messages`);
    expect(seen.body.data?.messages.map((m) => [m.text, m.from])).toEqual([
      ['환불 문의', 'user'],
      ['확인하겠습니다', 'admin'],
    ]);
  });

  it('payment request over HTTP: card in chat, purchase page numbers, pay, complete; notices sent', async () => {
    const [u] = await rows<{ id: string }>(sql`select id from users where email = ${user.email}`);
    const wallet = await t.y.consult.wallet.accounts(u?.id as string);
    const clearing = await t.y.ctx.ledger.system(PG_CLEARING);
    await t.y.ctx.ledger.transfer({
      id: `test:fund:http:${u?.id}`,
      debitAccountId: clearing.id,
      creditAccountId: wallet.paid.id,
      amount: 50_000,
      kind: 'test',
    });
    const item = await coun.api.post<{ item: { id: string } }>('/api/consult/me/items', {
      kind: 'chat',
      title: '채팅 상담 30분',
      price: 15_000,
    });
    const sent = await coun.api.post<{ request: { id: string; state: string } }>(
      `/api/consult/chat/rooms/${roomId}/requests`,
      { itemId: item.body.data?.item.id, note: '<i>목요일</i>' },
    );
    expect(sent.status).toBe(201);
    const requestId = sent.body.data?.request.id as string;
    const page = await user.api.get<{
      request: { price: number; note: string };
      balance: number;
      balanceAfter: number;
    }>(`/api/consult/requests/${requestId}`);
    expect(page.body.data).toMatchObject({
      balance: 50_000,
      balanceAfter: 35_000,
      request: { price: 15_000, note: '<i>목요일</i>' },
    });
    expect((await other.api.get(`/api/consult/requests/${requestId}`)).status).toBe(404);
    expect((await coun.api.post(`/api/consult/requests/${requestId}/pay`)).status).toBe(403);
    expect((await other.api.post(`/api/consult/requests/${requestId}/pay`)).status).toBe(404);
    const paid = await user.api.post<{ request: { state: string } }>(
      `/api/consult/requests/${requestId}/pay`,
    );
    expect(paid.body.data?.request.state).toBe('paid');
    const twice = await user.api.post(`/api/consult/requests/${requestId}/pay`);
    expect(twice.status).toBe(409);
    const done = await coun.api.post<{ request: { state: string } }>(
      `/api/consult/requests/${requestId}/complete`,
    );
    expect(done.body.data?.request.state).toBe('completed');

    const messages = await user.api.get<{ messages: Message[]; requests: { id: string; state: string }[] }>(
      `/api/consult/chat/rooms/${roomId}/messages`,
    );
    expect(messages.body.data?.messages.filter((m) => m.requestId === requestId).map((m) => m.kind)).toEqual([
      'request',
      'system',
      'system',
    ]);
    expect(messages.body.data?.requests).toEqual([
      expect.objectContaining({ id: requestId, state: 'completed' }),
    ]);

    // Notices: request and completion to the user, payment to the counselor.
    const notices = async (email: string) =>
      rows<{ kind: string }>(
        sql`select n.kind from notifications n join users u on u.id = n.user_id where u.email = ${email} order by n.created_at`,
      );
    await eventually(async () =>
      (await notices(user.email)).some((n) => n.kind === 'consult-request-completed'),
    );
    expect((await notices(user.email)).map((n) => n.kind)).toEqual(
      expect.arrayContaining(['consult-request-sent', 'consult-request-completed']),
    );
    await eventually(async () => (await notices(coun.email)).some((n) => n.kind === 'consult-request-paid'));
    expect((await t.y.ctx.ledger.check()).ok).toBe(true);
  }, 60_000);

  it('a chat message is told when the room was not open, not when it was read at once', async () => {
    const listener = await login(t);
    const room = await listener.api.post<{ room: Room }>('/api/consult/chat/rooms', { counselorId });
    const id = room.body.data?.room.id as string;
    const unread = await coun.api.post<{ message: Message }>(`/api/consult/chat/rooms/${id}/messages`, {
      text: '답장 기다릴게요',
    });
    const read = await coun.api.post<{ message: Message }>(`/api/consult/chat/rooms/${roomId}/messages`, {
      text: '읽으셨나요',
    });
    await user.api.post(`/api/consult/chat/rooms/${roomId}/read`, { upTo: read.body.data?.message.id });
    const chatNotices = (email: string) =>
      rows<{ title: string; body: string; link: string }>(
        sql`select n.title, n.body, n.link from notifications n join users u on u.id = n.user_id
            where u.email = ${email} and n.kind = 'consult-chat-message'`,
      );
    const told = await eventually(async () => {
      const n = await chatNotices(listener.email);
      return n.length ? n : undefined;
    }, 30_000);
    expect(told).toEqual([{ title: '별님', body: '답장 기다릴게요', link: `/consult/chats/${id}` }]);
    expect(unread.status).toBe(201);
    // The job for the read one ran meanwhile (same delay): nothing for the user.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await chatNotices(user.email)).filter((n) => n.body === '읽으셨나요')).toEqual([]);
  }, 60_000);
});
