import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showtimes } from '../../src/modules/tickets/schema.ts';
import { zonedParts } from '../../src/platform/time.ts';
import { backends, client, createEvent, type EventData, login, startApp, type TestApp } from '../helpers.ts';

/** The original reservation API keeps its exact routes, codes and field names. */
describe.each(backends)('original reservation API on %s', (backend) => {
  let t: TestApp;
  let buyer: Awaited<ReturnType<typeof login>>;
  let ev: EventData;
  let bare: ReturnType<typeof client>;
  let date: string;
  let time: string;

  beforeAll(async () => {
    t = await startApp(backend);
    const org = await login(t, 'organizer');
    ev = await createEvent(org.api, {
      title: '오페라의 유령',
      ticketTypes: [
        { name: 'VIP', price: 150_000, quota: 5 },
        { name: 'R석', price: 120_000, quota: 5 },
      ],
    });
    buyer = await login(t);
    // The original clients send the token bare, without "Bearer".
    bare = client(t.url);
    const when = zonedParts(new Date(ev.showtimes[0].startsAt), 'Asia/Seoul');
    date = when.date;
    time = when.time;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const body = (over: Record<string, unknown> = {}) => ({
    performanceId: ev.code,
    performanceTitle: '오페라의 유령',
    reservationTicketCount: 2,
    reservationDate: date,
    reservationTime: time,
    reservationPrice: 120_000,
    reservationPoster: 'https://example.test/poster.jpg',
    memberEmail: buyer.email,
    ...over,
  });
  const auth = () => ({ authorization: buyer.token });

  it('creates, lists, shows and deletes with the original shapes', async () => {
    const created = await bare.post('/reservation/create', body(), auth());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      code: 200,
      description: '성공',
      data: {
        performanceTitle: '오페라의 유령',
        reservationTicketCount: 2,
        reservationDate: date,
        reservationTime: time,
        reservationPrice: 120_000,
        reservationTotalPrice: 240_000,
        reservationDeleted: 'N',
      },
    });
    const data = created.body.data as { reservationId: number; reservationCreateAt: string };
    expect(data.reservationId).toBeGreaterThan(0);
    expect(data.reservationCreateAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);

    const list = await bare.get('/reservation/lists', auth());
    expect(list.body.code).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({ reservationId: data.reservationId, reservationDeleted: 'N' }),
    ]);

    const one = await bare.get(`/reservation/list/${data.reservationId}`, auth());
    expect(one.body).toMatchObject({
      code: 200,
      description: '성공',
      data: { reservationId: data.reservationId },
    });

    const del = await bare.del(`/reservation/delete/${data.reservationId}`, auth());
    expect(del.body).toMatchObject({
      code: 200,
      description: '성공',
      data: { reservationId: data.reservationId, reservationDeleted: 'Y' },
    });
    // Cancelled rows stay listed, marked Y (trigger + view keep the history).
    const after = await bare.get('/reservation/lists', auth());
    expect(after.body.data).toEqual([
      expect.objectContaining({ reservationId: data.reservationId, reservationDeleted: 'Y' }),
    ]);
    const again = await bare.del(`/reservation/delete/${data.reservationId}`, auth());
    expect(again.body).toEqual({ code: 202, description: '예약 정보가 없습니다.' });
  });

  it('answers 202 for reservations that are not there or not yours', async () => {
    expect((await bare.get('/reservation/list/999999', auth())).body).toEqual({
      code: 202,
      description: '예약 정보가 없습니다.',
    });
    expect((await bare.del('/reservation/delete/999999', auth())).body).toEqual({
      code: 202,
      description: '예약 정보가 없습니다.',
    });
    const other = await login(t);
    expect((await other.api.get('/reservation/lists')).body).toEqual({
      code: 202,
      description: '예약 정보가 없습니다.',
    });
    const mine = await bare.post('/reservation/create', body({ reservationTicketCount: 1 }), auth());
    const id = (mine.body.data as { reservationId: number }).reservationId;
    expect((await other.api.get(`/reservation/list/${id}`)).body.code).toBe(202);
    expect((await other.api.del(`/reservation/delete/${id}`)).body.code).toBe(202);
    expect((await bare.get(`/reservation/list/${id}`, auth())).body.code).toBe(200);
  });

  it('refuses a mismatched title or price, an unknown showtime, too many tickets, and bad tokens', async () => {
    const title = await bare.post('/reservation/create', body({ performanceTitle: '캣츠' }), auth());
    expect(title.status).toBe(400);
    expect(title.body.data).toEqual({ errors: [expect.objectContaining({ path: 'body.performanceTitle' })] });
    const price = await bare.post('/reservation/create', body({ reservationPrice: 1000 }), auth());
    expect(price.status).toBe(400);
    expect(price.body.description).toContain('reservationPrice');
    // A minute after the showtime's own (a fixed time would match it when the suite runs at that minute).
    const [h, m] = time.split(':').map(Number);
    const other = `${String((h + Math.floor((m + 1) / 60)) % 24).padStart(2, '0')}:${String((m + 1) % 60).padStart(2, '0')}`;
    const when = await bare.post('/reservation/create', body({ reservationTime: other }), auth());
    expect(when.status).toBe(400);
    expect(when.body.description).toContain('no showtime');
    const unknown = await bare.post('/reservation/create', body({ performanceId: 'PF000000' }), auth());
    expect(unknown.status).toBe(404);
    const many = await bare.post('/reservation/create', body({ reservationTicketCount: 20 }), auth());
    expect(many.status).toBe(409);
    expect(many.body.description).toMatch(/sold out: only \d+ left/);
    const someoneElse = await bare.post('/reservation/create', body({ memberEmail: 'x@y.test' }), auth());
    expect(someoneElse.status).toBe(403);
    const badDate = await bare.post('/reservation/create', body({ reservationDate: '2026-02-30' }), auth());
    expect(badDate.status).toBe(400);
    expect(badDate.body.description).toContain('body.reservationDate');

    expect((await bare.get('/reservation/lists')).status).toBe(401);
    expect((await bare.get('/reservation/lists', { authorization: 'not-a-token' })).status).toBe(401);
    expect((await bare.get('/reservation/lists', { authorization: `Bearer ${buyer.token}` })).status).toBe(
      200,
    );
  });

  it('refuses a showtime that has already started', async () => {
    const org = await login(t, 'organizer');
    // Organisers cannot enter a past showtime, so one still to come is moved to a whole minute that
    // has just passed, as time itself would.
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const soon = await createEvent(org.api, { title: '곧 시작' });
    await t.y.ctx.database.db
      .update(showtimes)
      .set({ startsAt: minute })
      .where(eq(showtimes.id, soon.showtimes[0].id));
    const w = zonedParts(minute, 'Asia/Seoul');
    const late = await bare.post(
      '/reservation/create',
      body({
        performanceId: soon.code,
        performanceTitle: '곧 시작',
        reservationDate: w.date,
        reservationTime: w.time,
        reservationPrice: 50_000,
      }),
      auth(),
    );
    expect(late.status).toBe(400);
    expect(late.body.description).toMatch(/started/);
  });
});
