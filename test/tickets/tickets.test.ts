import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showtimes } from '../../src/modules/tickets/schema.ts';
import { zonedIso, zonedParts } from '../../src/platform/time.ts';
import {
  backends,
  client,
  createEvent,
  type EventData,
  eventually,
  inHours,
  login,
  startApp,
  type TestApp,
} from '../helpers.ts';

type Hold = { id: string; status: string; expiresAt: string; quantity: number; reservationId: number | null };
type Reservation = {
  id: number;
  quantity: number;
  totalPrice: number;
  deleted: boolean;
  ticketCode: string | null;
  source: string;
  checkedInAt: string | null;
};
type TicketType = { id: string; available: number; sold: number; held: number; waiting: number };

describe.each(backends)('tickets on %s', (backend) => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof login>>;

  beforeAll(async () => {
    // Short holds and offers so expiry can be watched happen.
    t = await startApp(backend, { holdMinutes: 1.5 / 60, waitlistOfferMinutes: 1.5 / 60 });
    org = await login(t, 'organizer');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const typeState = async (eventId: string, typeId: string) => {
    const res = await client(t.url).get<{ event: { showtimes: { ticketTypes: TicketType[] }[] } }>(
      `/api/events/${eventId}`,
    );
    return res.body.data!.event.showtimes.flatMap((s) => s.ticketTypes).find((x) => x.id === typeId)!;
  };

  it('lets an organiser create, list and edit an event, and nobody else', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 110_000, quota: 5 }] });
    expect(ev.showtimes[0].ticketTypes[0]).toMatchObject({
      name: 'R석',
      price: 110_000,
      quota: 5,
      available: 5,
    });

    const buyer = await login(t);
    const denied = await buyer.api.post('/api/events', { code: 'PFNOPE', title: 'x', showtimes: [] });
    expect(denied.status).toBe(403);
    const otherOrg = await login(t, 'organizer');
    const body = {
      code: ev.code,
      title: '수정된 공연',
      showtimes: [
        {
          id: ev.showtimes[0].id,
          startsAt: ev.showtimes[0].startsAt,
          ticketTypes: [{ id: ev.showtimes[0].ticketTypes[0].id, name: 'R석', price: 120_000, quota: 8 }],
        },
      ],
    };
    // Another organiser's event is answered like a missing one.
    expect((await otherOrg.api.put(`/api/events/${ev.id}`, body)).status).toBe(404);
    const edited = await org.api.put<{
      event: { title: string; showtimes: { ticketTypes: TicketType[] }[] };
    }>(`/api/events/${ev.id}`, body);
    expect(edited.status).toBe(200);
    expect(edited.body.data!.event.title).toBe('수정된 공연');
    expect(edited.body.data!.event.showtimes[0].ticketTypes[0]).toMatchObject({ available: 8 });

    const mine = await org.api.get<{ events: { id: string }[] }>('/api/organizer/events');
    expect(mine.body.data!.events.map((e) => e.id)).toContain(ev.id);
    const theirs = await otherOrg.api.get<{ events: { id: string }[] }>('/api/organizer/events');
    expect(theirs.body.data!.events.map((e) => e.id)).not.toContain(ev.id);

    const dup = await org.api.post('/api/events', {
      code: ev.code.toLowerCase(),
      title: 'dup',
      showtimes: [{ startsAt: inHours(10), ticketTypes: [{ name: 'A', price: 1, quota: 1 }] }],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.description).toContain('already taken');
  });

  it('refuses a showtime in the past and a quota of 0, naming the field', async () => {
    type Refusal = { errors: { path: string; message: string }[] };
    const fields = (res: { body: { data?: Refusal } }) => res.body.data!.errors.map((e) => e.path);
    const past = await org.api.post<Refusal>('/api/events', {
      code: `PAST${Date.now().toString(36)}`,
      title: '지난 공연',
      showtimes: [
        { startsAt: inHours(24), ticketTypes: [{ name: 'A', price: 1000, quota: 5 }] },
        { startsAt: inHours(-1), ticketTypes: [{ name: 'A', price: 1000, quota: 5 }] },
      ],
    });
    expect(past.status).toBe(400);
    expect(fields(past)).toEqual(['body.showtimes.1.startsAt']);
    const zero = await org.api.post<Refusal>('/api/events', {
      code: `ZERO${Date.now().toString(36)}`,
      title: '0석',
      showtimes: [{ startsAt: inHours(24), ticketTypes: [{ name: 'A', price: 1000, quota: 0 }] }],
    });
    expect(zero.status).toBe(400);
    expect(fields(zero)).toEqual(['body.showtimes.0.ticketTypes.0.quota']);

    // Editing: a showtime that has taken place may stay as it is, but none is moved into the past.
    const ev = await createEvent(org.api);
    const [st] = ev.showtimes;
    const tt = { id: st.ticketTypes[0].id, name: 'R석', price: 50_000, quota: 10 };
    const edit = (startsAt: string, extra: object[] = []) =>
      org.api.put<Refusal>(`/api/events/${ev.id}`, {
        code: ev.code,
        title: ev.title,
        showtimes: [{ id: st.id, startsAt, ticketTypes: [tt] }, ...extra],
      });
    expect(fields(await edit(inHours(-2)))).toEqual(['body.showtimes.0.startsAt']);
    const added = await edit(st.startsAt, [
      { startsAt: inHours(-3), ticketTypes: [{ name: 'B', price: 1, quota: 1 }] },
    ]);
    expect(fields(added)).toEqual(['body.showtimes.1.startsAt']);
    await t.y.ctx.database.db
      .update(showtimes)
      .set({ startsAt: new Date(Date.now() - 3_600_000) })
      .where(eq(showtimes.id, st.id));
    const passed = (await client(t.url).get<{ event: EventData }>(`/api/events/${ev.id}`)).body.data!.event;
    expect((await edit(passed.showtimes[0].startsAt)).status).toBe(200);
  });

  it('holds, counts down, confirms, mails the ticket and cancels', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'S석', price: 30_000, quota: 4 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t);
    // Logged in before the hold: its 1.5 s leave no room for a password check on a loaded machine.
    const stranger = await login(t);

    const held = await buyer.api.post<{ hold: Hold }>('/api/holds', { ticketTypeId: typeId, quantity: 3 });
    expect(held.status).toBe(201);
    expect(new Date(held.body.data!.hold.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(await typeState(ev.id, typeId)).toMatchObject({ available: 1, held: 3, sold: 0 });

    // "내 티켓" lists the open hold with what it is for; nobody else sees it.
    const open = await buyer.api.get<{ holds: (Hold & { eventTitle: string; ticketTypeName: string })[] }>(
      '/api/holds',
    );
    expect(open.body.data!.holds).toMatchObject([
      {
        id: held.body.data!.hold.id,
        status: 'held',
        quantity: 3,
        eventTitle: ev.title,
        ticketTypeName: 'S석',
      },
    ]);
    // Someone else cannot confirm my hold.
    expect((await stranger.api.get<{ holds: Hold[] }>('/api/holds')).body.data!.holds).toEqual([]);
    expect((await stranger.api.post(`/api/holds/${held.body.data!.hold.id}/confirm`)).status).toBe(404);

    const confirmed = await buyer.api.post<{ reservation: Reservation }>(
      `/api/holds/${held.body.data!.hold.id}/confirm`,
    );
    expect(confirmed.status).toBe(201);
    const r = confirmed.body.data!.reservation;
    expect(r).toMatchObject({ quantity: 3, totalPrice: 90_000, deleted: false, source: 'web' });
    expect(r.ticketCode).toMatch(/^YQ1\.\d+\./);
    expect(await typeState(ev.id, typeId)).toMatchObject({ available: 1, held: 0, sold: 3 });
    // Confirming twice answers the same reservation, it does not sell twice.
    const again = await buyer.api.post<{ reservation: Reservation }>(
      `/api/holds/${held.body.data!.hold.id}/confirm`,
    );
    expect(again.body.data!.reservation.id).toBe(r.id);
    expect(await typeState(ev.id, typeId)).toMatchObject({ sold: 3 });

    // The ticket mail lands in the built-in mailbox with the QR as an inline image.
    const mail = await eventually(async () => {
      const list = await buyer.api.get<{ messages: { id: number; to: string[]; subject: string }[] }>(
        '/api/mailbox',
      );
      return list.body.data!.messages.find(
        (m) => m.to.includes(buyer.email) && m.subject.includes('예매 확인'),
      );
    });
    const full = await buyer.api.get<{
      message: { html: string; attachments: { cid: string | null; contentType: string }[] };
    }>(`/api/mailbox/${mail.id}`);
    expect(full.body.data!.message.attachments[0]).toMatchObject({ contentType: 'image/png' });
    expect(full.body.data!.message.attachments[0].cid).toBeTruthy();
    expect(full.body.data!.message.html).toContain(`/api/mailbox/${mail.id}/parts/0`);
    // The QR comes before the price table (in sight when the mail opens), its code breaking at a dot.
    const html = full.body.data!.message.html;
    expect(html.indexOf(`/api/mailbox/${mail.id}/parts/0`)).toBeLessThan(html.indexOf('합계'));
    expect(html).toMatch(/YQ1\.\d+\.<wbr>[A-Za-z0-9_-]{22}</);
    // A confirmed hold leaves the list.
    expect((await buyer.api.get<{ holds: Hold[] }>('/api/holds')).body.data!.holds).toEqual([]);

    const cancelled = await buyer.api.del<{ reservation: Reservation }>(`/api/reservations/${r.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data!.reservation).toMatchObject({ deleted: true, ticketCode: null });
    expect(await typeState(ev.id, typeId)).toMatchObject({ available: 4, sold: 0 });
    // The buyer gets a cancellation receipt.
    const receipt = await eventually(async () => {
      const list = await buyer.api.get<{ messages: { id: number; to: string[]; subject: string }[] }>(
        '/api/mailbox',
      );
      return list.body.data!.messages.find(
        (m) => m.to.includes(buyer.email) && m.subject.includes('예매 취소'),
      );
    });
    expect(receipt.subject).toContain(ev.title);
    // History keeps it.
    const mine = await buyer.api.get<{ reservations: Reservation[] }>('/api/reservations');
    expect(mine.body.data!.reservations.find((x) => x.id === r.id)).toMatchObject({ deleted: true });
    // Other users cannot see or cancel it.
    expect((await stranger.api.get(`/api/reservations/${r.id}`)).status).toBe(404);
    expect((await stranger.api.del(`/api/reservations/${r.id}`)).status).toBe(404);
  });

  it('gives expired holds back and refuses to confirm them', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'A석', price: 10_000, quota: 2 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t);
    const held = await buyer.api.post<{ hold: Hold }>('/api/holds', { ticketTypeId: typeId, quantity: 2 });
    expect((await buyer.api.post('/api/holds', { ticketTypeId: typeId, quantity: 1 })).status).toBe(409);
    // The per-hold job releases the seats shortly after expiry.
    await eventually(async () => (await typeState(ev.id, typeId)).available === 2, 20_000, 200);
    const hold = await buyer.api.get<{ hold: Hold }>(`/api/holds/${held.body.data!.hold.id}`);
    expect(hold.body.data!.hold.status).toBe('expired');
    // "내 티켓" still tells the buyer the seats went back.
    const listed = await buyer.api.get<{ holds: Hold[] }>('/api/holds');
    expect(listed.body.data!.holds).toMatchObject([{ id: held.body.data!.hold.id, status: 'expired' }]);
    const late = await buyer.api.post(`/api/holds/${held.body.data!.hold.id}/confirm`);
    expect(late.status).toBe(409);
    expect(late.body.description).toContain('expired');
    expect(await typeState(ev.id, typeId)).toMatchObject({ available: 2, held: 0, sold: 0 });
  });

  it('hands freed seats to the waiting list in order, and passes on unconfirmed offers', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: '일반', price: 20_000, quota: 2 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const a = await login(t);
    const b = await login(t);
    const c = await login(t);
    // While seats are free, waiting is refused.
    expect((await b.api.post('/api/waitlist', { ticketTypeId: typeId, quantity: 1 })).status).toBe(409);
    const ra = await a.api.post<{ reservation: Reservation }>('/api/reservations', {
      ticketTypeId: typeId,
      quantity: 2,
    });
    expect(ra.status).toBe(201);
    const wb = await b.api.post<{ entry: { id: string; status: string; position: number } }>(
      '/api/waitlist',
      { ticketTypeId: typeId, quantity: 1 },
    );
    expect(wb.status).toBe(201);
    expect(wb.body.data!.entry).toMatchObject({ status: 'waiting', position: 1 });
    const wc = await c.api.post<{ entry: { id: string; position: number } }>('/api/waitlist', {
      ticketTypeId: typeId,
      quantity: 1,
    });
    expect(wc.body.data!.entry.position).toBe(2);
    expect((await b.api.post('/api/waitlist', { ticketTypeId: typeId, quantity: 1 })).status).toBe(409);

    // A cancels: B (first) gets an offer with a real hold and an e-mail; C still waits.
    await a.api.del(`/api/reservations/${ra.body.data!.reservation.id}`);
    type Entry = { id: string; status: string; hold: Hold | null; position: number | null };
    const offeredB = (await b.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0];
    expect(offeredB.status).toBe('offered');
    expect(offeredB.hold).toMatchObject({ status: 'held', quantity: 1 });
    // C was served too: two seats freed, two entries of one.
    const offeredC = (await c.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0];
    expect(offeredC.status).toBe('offered');
    expect(await typeState(ev.id, typeId)).toMatchObject({ available: 0, held: 2, sold: 0 });
    await eventually(async () => {
      const list = await b.api.get<{ messages: { to: string[]; subject: string }[] }>('/api/mailbox');
      return list.body.data!.messages.some((m) => m.to.includes(b.email) && m.subject.includes('대기'));
    });

    // B confirms; C lets the offer lapse, and with nobody else waiting the seat returns to sale.
    const rb = await b.api.post<{ reservation: Reservation }>(`/api/holds/${offeredB.hold!.id}/confirm`);
    expect(rb.status).toBe(201);
    expect(rb.body.data!.reservation.source).toBe('waitlist');
    const d = await login(t);
    await eventually(async () => (await typeState(ev.id, typeId)).available === 1, 20_000, 200);
    const lapsed = (await c.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0];
    expect(lapsed.status).toBe('expired');
    // D joins after the seat is back: it is free, so D must reserve instead.
    expect((await d.api.post('/api/waitlist', { ticketTypeId: typeId, quantity: 1 })).status).toBe(409);
  });

  it('passes a lapsed offer to the next in line', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: '일반', price: 20_000, quota: 1 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const a = await login(t);
    const b = await login(t);
    const c = await login(t);
    const ra = await a.api.post<{ reservation: Reservation }>('/api/reservations', {
      ticketTypeId: typeId,
      quantity: 1,
    });
    await b.api.post('/api/waitlist', { ticketTypeId: typeId, quantity: 1 });
    await c.api.post('/api/waitlist', { ticketTypeId: typeId, quantity: 1 });
    await a.api.del(`/api/reservations/${ra.body.data!.reservation.id}`);
    type Entry = { status: string; hold: Hold | null };
    expect((await b.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0].status).toBe(
      'offered',
    );
    expect((await c.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0].status).toBe(
      'waiting',
    );
    const cOffer = await eventually(
      async () => {
        const e = (await c.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0];
        return e.status === 'offered' ? e : undefined;
      },
      20_000,
      200,
    );
    expect((await b.api.get<{ entries: Entry[] }>('/api/waitlist')).body.data!.entries[0].status).toBe(
      'expired',
    );
    const rc = await c.api.post<{ reservation: Reservation }>(`/api/holds/${cOffer.hold!.id}/confirm`);
    expect(rc.status).toBe(201);
    expect(await typeState(ev.id, typeId)).toMatchObject({ sold: 1, held: 0, available: 0 });
  });

  it('checks tickets in once, and refuses forged, cancelled and other-event codes', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 50_000, quota: 10 }] });
    const other = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 50_000, quota: 10 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t);
    const r = (
      await buyer.api.post<{ reservation: Reservation }>('/api/reservations', {
        ticketTypeId: typeId,
        quantity: 2,
      })
    ).body.data!.reservation;

    const first = await org.api.post<{ result: string; ticket: Reservation }>('/api/checkin', {
      qr: r.ticketCode,
      eventId: ev.id,
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ result: 'checked-in', ticket: { id: r.id, quantity: 2 } });
    const second = await org.api.post<{ result: string; ticket: Reservation }>('/api/checkin', {
      qr: r.ticketCode,
      eventId: ev.id,
    });
    expect(second.status).toBe(200);
    expect(second.body.data!.result).toBe('already');
    expect(second.body.description).toContain('already checked in at');
    expect(second.body.data!.ticket.checkedInAt).toBe(first.body.data!.ticket.checkedInAt);

    const forged = r.ticketCode!.replace(/\.(\d+)\./, (_m, id) => `.${Number(id) + 1}.`);
    expect((await org.api.post('/api/checkin', { qr: forged })).status).toBe(422);
    expect((await org.api.post('/api/checkin', { qr: `${r.ticketCode!.slice(0, -2)}xx` })).status).toBe(422);
    expect((await org.api.post('/api/checkin', { qr: 'hello' })).status).toBe(422);

    const other409 = await org.api.post<{ result: string }>('/api/checkin', {
      qr: r.ticketCode,
      eventId: other.id,
    });
    expect(other409.status).toBe(409);
    expect(other409.body.data!.result).toBe('other-event');

    const r2 = (
      await buyer.api.post<{ reservation: Reservation }>('/api/reservations', {
        ticketTypeId: typeId,
        quantity: 1,
      })
    ).body.data!.reservation;
    await buyer.api.del(`/api/reservations/${r2.id}`);
    const cancelled = await org.api.post<{ result: string }>('/api/checkin', { qr: r2.ticketCode });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.data!.result).toBe('cancelled');

    // A checked-in ticket cannot be cancelled; another organiser cannot check in this event's tickets.
    expect((await buyer.api.del(`/api/reservations/${r.id}`)).status).toBe(409);
    const stranger = await login(t, 'organizer');
    expect((await stranger.api.post('/api/checkin', { qr: r.ticketCode })).status).toBe(422);
    expect((await buyer.api.post('/api/checkin', { qr: r.ticketCode })).status).toBe(403);
  });

  it('reports sales per day and ticket type, with CSV', async () => {
    const ev = await createEvent(org.api, {
      ticketTypes: [
        { name: 'R석', price: 100_000, quota: 10 },
        { name: 'S석', price: 50_000, quota: 10 },
      ],
    });
    const [rType, sType] = ev.showtimes[0].ticketTypes;
    const buyer = await login(t);
    const r = await buyer.api.post<{ reservation: Reservation }>('/api/reservations', {
      ticketTypeId: rType.id,
      quantity: 2,
    });
    const s = await buyer.api.post<{ reservation: Reservation }>('/api/reservations', {
      ticketTypeId: sType.id,
      quantity: 3,
    });
    await buyer.api.post('/api/reservations', { ticketTypeId: sType.id, quantity: 1 });
    await buyer.api.del(`/api/reservations/${s.body.data!.reservation.id}`);
    expect((await org.api.post('/api/checkin', { qr: r.body.data!.reservation.ticketCode })).status).toBe(
      200,
    );

    type Sales = {
      code: string;
      days: { ticketTypeName: string; tickets: number; revenue: number; cancelled: number }[];
      ticketTypes: { name: string; sold: number; revenue: number }[];
      series: {
        sales: { days: string[]; ticketTypes: { name: string; perDay: number[] }[]; cumulative: number[] };
        checkins: { hours: string[]; perHour: number[]; cumulative: number[] };
      };
    };
    const sales = await org.api.get<Sales>(`/api/organizer/events/${ev.id}/sales`);
    expect(sales.status).toBe(200);
    const byName = Object.fromEntries(sales.body.data!.days.map((d) => [d.ticketTypeName, d]));
    expect(byName.R석).toMatchObject({ tickets: 2, revenue: 200_000, cancelled: 0 });
    expect(byName.S석).toMatchObject({ tickets: 1, revenue: 50_000, cancelled: 3 });
    expect(sales.body.data!.ticketTypes.find((x) => x.name === 'S석')).toMatchObject({
      sold: 1,
      revenue: 50_000,
    });

    // The chart series: today's sales per ticket type and the running total, on Seoul's calendar.
    const today = zonedParts(new Date(), 'Asia/Seoul');
    const series = sales.body.data!.series;
    expect(series.sales.days).toEqual([today.date]);
    expect(series.sales.ticketTypes.map((x) => [x.name, x.perDay])).toEqual([
      ['R석', [2]],
      ['S석', [1]],
    ]);
    expect(series.sales.cumulative).toEqual([3]);
    expect(series.checkins.hours).toEqual([`${today.date}T${today.time.slice(0, 2)}`]);
    expect(series.checkins.cumulative).toEqual([2]);

    const csv = await org.api.raw(`/api/organizer/events/${ev.id}/sales.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // The file is named after the event code, the showtime's date and the day it was taken (Seoul's).
    const show = zonedParts(new Date(ev.showtimes[0].startsAt), 'Asia/Seoul').date.replaceAll('-', '');
    const asof = today.date.replaceAll('-', '');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="${ev.code}-sales-${show}-asof-${asof}.csv"`,
    );
    const text = await csv.text();
    expect(text).toContain('day,showtime,ticket_type,tickets,revenue_krw,cancelled');
    // Times are on the event's clock (Seoul, +09:00), as the organiser reads them on the page.
    const showtime = zonedIso(new Date(ev.showtimes[0].startsAt), 'Asia/Seoul');
    expect(showtime).toMatch(/\+09:00$/);
    expect(text).toContain(`${today.date},${showtime},R석,2,200000,0`);
    const rfile = await org.api.raw(`/api/organizer/events/${ev.id}/reservations.csv`);
    expect(rfile.headers.get('content-disposition')).toContain(`filename="${ev.code}-reservations-${show}-`);
    const rcsv = await rfile.text();
    expect(rcsv.trim().split('\r\n')).toHaveLength(4);
    const rRow = rcsv.split('\r\n').find((l) => l.startsWith(`${r.body.data!.reservation.id},`))!;
    // created_at and checked_in_at are Seoul times too.
    expect(rRow.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00/g)).toHaveLength(3);
    expect((await buyer.api.get(`/api/organizer/events/${ev.id}/sales`)).status).toBe(403);
  });

  it('never oversells: 200 concurrent reserves at 50 seats', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: '전석', price: 10_000, quota: 50 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyers = await Promise.all(Array.from({ length: 20 }, () => login(t)));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        buyers[i % buyers.length].api.post('/api/reservations', { ticketTypeId: typeId, quantity: 1 }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(150);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    expect(results.find((r) => r.status === 409)!.body.description).toMatch(/sold out/);
    expect(await typeState(ev.id, typeId)).toMatchObject({ sold: 50, available: 0, held: 0 });
  });

  it('never oversells with holds, confirms, expiry and cancels racing', async () => {
    const ev = await createEvent(org.api, { ticketTypes: [{ name: '전석', price: 10_000, quota: 20 }] });
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const buyers = await Promise.all(Array.from({ length: 10 }, () => login(t)));
    const ops = Array.from({ length: 120 }, async (_, i) => {
      const api = buyers[i % buyers.length].api;
      const kind = i % 3;
      if (kind === 0) return api.post('/api/reservations', { ticketTypeId: typeId, quantity: 1 });
      const h = await api.post<{ hold: Hold }>('/api/holds', { ticketTypeId: typeId, quantity: 2 });
      if (h.status !== 201) return h;
      if (kind === 1) return api.post(`/api/holds/${h.body.data!.hold.id}/confirm`);
      return api.del(`/api/holds/${h.body.data!.hold.id}`);
    });
    const results = await Promise.all(ops);
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    const s = await typeState(ev.id, typeId);
    expect(s.sold + s.held).toBeLessThanOrEqual(20);
    expect(s.available).toBe(20 - s.sold - s.held);
  });
});
