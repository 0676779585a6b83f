import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainView } from '../src/modules/rail/service.ts';
import { backends, createEvent, eventually, inHours, login } from './helpers.ts';
import { patch, type RailTestEnv, railApp, SRT_MEMBER } from './rail/app.ts';
import { dayAhead } from './rail/setup.ts';

/**
 * Every route that takes an id of someone's object: user B (an organiser too, so role checks pass)
 * tries each of user A's ids and gets the same answer as for a missing id, and nothing changes.
 */
describe.each(backends)('ids of another user on %s', (backend) => {
  let env: RailTestEnv;
  let a: Awaited<ReturnType<typeof login>>;
  let b: Awaited<ReturnType<typeof login>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await railApp(backend);
    a = await login(env.t, 'organizer');
    expect((await a.api.put('/api/rail/accounts/srt', SRT_MEMBER)).status).toBe(200);
    b = await login(env.t, 'organizer');

    // A's objects: a ticket event, a hold, a reservation, a waiting-list entry, a registration,
    // a rail watch and a rail reservation.
    const ev = await createEvent(a.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 2 }] });
    ids.event = ev.id;
    const typeId = ev.showtimes[0].ticketTypes[0].id;
    const hold = await a.api.post<{ hold: { id: string } }>('/api/holds', {
      ticketTypeId: typeId,
      quantity: 1,
    });
    ids.hold = hold.body.data!.hold.id;
    const res = await a.api.post<{ reservation: { id: number; ticketCode: string } }>('/api/reservations', {
      ticketTypeId: typeId,
      quantity: 1,
    });
    ids.reservation = String(res.body.data!.reservation.id);
    ids.ticketCode = res.body.data!.reservation.ticketCode;
    const wl = await a.api.post<{ entry: { id: string } }>('/api/waitlist', {
      ticketTypeId: typeId,
      quantity: 1,
    });
    ids.waitlist = wl.body.data!.entry.id;
    const reg = await a.api.post<{ event: { id: string } }>('/api/registration/events', {
      slug: `acc-${backend}`,
      name: 'A registration',
      source: 'tickets',
      ticketsEventId: ev.id,
      mail: { enabled: false },
    });
    ids.registration = reg.body.data!.event.id;

    const date = dayAhead(env.s, 6);
    const search = await a.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '동대구',
      date,
      time: '06:00',
    });
    const trains = search.body.data!.trains;
    const r = await a.api.post<{ reservation: { id: string } }>('/api/rail/reserve', {
      provider: 'srt',
      from: '수서',
      to: '동대구',
      date,
      trainNo: trains[0].trainNo,
      passengers: { adult: 1 },
    });
    ids.railReservation = r.body.data!.reservation.id;
    const last = trains.at(-1) as TrainView;
    env.s.seedSoldOut('srt', date, Number(last.trainNo));
    const w = await a.api.post<{ watch: { id: string } }>('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '동대구',
      date,
      trainNo: last.trainNo,
      passengers: { adult: 1 },
    });
    ids.watch = w.body.data!.watch.id;
    // A's booking confirmation in the built-in mailbox.
    const mail = await eventually(async () => {
      const l = await a.api.get<{ messages: { id: number }[] }>('/api/mailbox');
      return l.body.data?.messages[0];
    }, 60_000);
    ids.mail = String(mail.id);
    for (const [k, v] of Object.entries(ids)) expect(v, k).toBeTruthy();
  }, 240_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('a registration cannot follow another organiser’s ticket event: 404 naming the field, nothing saved', async () => {
    const before = (await b.api.get<{ events: unknown[] }>('/api/registration/events')).body.data!.events
      .length;
    for (const ticketsEventId of [ids.event, crypto.randomUUID()]) {
      const res = await b.api.post('/api/registration/events', {
        slug: `steal-${backend}-${ticketsEventId.slice(0, 4)}`,
        name: 'Not mine',
        source: 'tickets',
        ticketsEventId,
        mail: { enabled: true },
      });
      expect(res.status).toBe(404);
      expect(res.body.description).toBe('body.ticketsEventId: no such yeyak event');
      expect((res.body.data as { errors: { path: string }[] }).errors[0].path).toBe('body.ticketsEventId');
    }
    expect(
      (await b.api.get<{ events: unknown[] }>('/api/registration/events')).body.data!.events,
    ).toHaveLength(before);
    // Nor by changing an event of B's own to point at A's.
    const own = await createEvent(b.api);
    const mine = await b.api.post<{ event: { id: string } }>('/api/registration/events', {
      slug: `mine-${backend}`,
      name: 'Mine',
      source: 'tickets',
      ticketsEventId: own.id,
    });
    expect(mine.status).toBe(201);
    const moved = await b.api.put(`/api/registration/events/${mine.body.data!.event.id}`, {
      slug: `mine-${backend}`,
      name: 'Mine',
      source: 'tickets',
      ticketsEventId: ids.event,
    });
    expect(moved.status).toBe(404);
    expect(JSON.stringify(moved.body.data)).toContain('body.ticketsEventId');

    // A row saved before this check (B's, following A's event) no longer receives A's buyers.
    const ev = await createEvent(a.api);
    const legacy = crypto.randomUUID();
    const db = env.t.y.ctx.database;
    const bId = (await db.raw('select id from users where email = $1', [b.email])).rows[0].id;
    await db.raw(
      `insert into registration_events (id, slug, name, organizer_id, source, settings, webhook_secret)
       values ($1, $2, 'legacy', $3, 'tickets', $4::jsonb, $5)`,
      [legacy, `legacy-${backend}`, bId, JSON.stringify({ ticketsEventId: ev.id }), crypto.randomUUID()],
    );
    const aReg = await a.api.post<{ event: { id: string } }>('/api/registration/events', {
      slug: `own-${backend}`,
      name: 'own',
      source: 'tickets',
      ticketsEventId: ev.id,
    });
    const buyer = await login(env.t);
    const bought = await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    expect(bought.status).toBe(201);
    await eventually(async () => {
      const l = await a.api.get<{ total: number }>(
        `/api/registration/events/${aReg.body.data!.event.id}/attendees`,
      );
      return l.body.data!.total === 1;
    }, 90_000);
    const seen = await db.raw('select count(*)::int as n from registration_attendees where event_id = $1', [
      legacy,
    ]);
    expect(seen.rows[0].n).toBe(0);
  }, 180_000);

  it('every route taking one of A’s ids answers B like a missing id, with no side effect', async () => {
    const missing = {
      uuid: crypto.randomUUID(),
      number: '2147480000',
    };
    const eventBody = {
      code: 'PFSTEAL1',
      title: 'stolen',
      venue: 'x',
      showtimes: [{ startsAt: inHours(48), ticketTypes: [{ name: 'x', price: 1000, quota: 1 }] }],
    };
    const regBody = { slug: 'stolen', name: 'stolen', source: 'tickets', ticketsEventId: ids.event };
    type Call = [string, (id: string) => Promise<{ status: number }>, keyof typeof ids, keyof typeof missing];
    const calls: Call[] = [
      ['PUT /api/events/:id', (id) => b.api.put(`/api/events/${id}`, eventBody), 'event', 'uuid'],
      ['GET sales', (id) => b.api.get(`/api/organizer/events/${id}/sales`), 'event', 'uuid'],
      ['GET sales.csv', (id) => b.api.get(`/api/organizer/events/${id}/sales.csv`), 'event', 'uuid'],
      ['GET reservations', (id) => b.api.get(`/api/organizer/events/${id}/reservations`), 'event', 'uuid'],
      [
        'GET reservations.csv',
        (id) => b.api.get(`/api/organizer/events/${id}/reservations.csv`),
        'event',
        'uuid',
      ],
      ['GET /api/holds/:id', (id) => b.api.get(`/api/holds/${id}`), 'hold', 'uuid'],
      ['POST /api/holds/:id/confirm', (id) => b.api.post(`/api/holds/${id}/confirm`, {}), 'hold', 'uuid'],
      ['DELETE /api/holds/:id', (id) => b.api.del(`/api/holds/${id}`), 'hold', 'uuid'],
      ['GET /api/reservations/:id', (id) => b.api.get(`/api/reservations/${id}`), 'reservation', 'number'],
      ['DELETE /api/reservations/:id', (id) => b.api.del(`/api/reservations/${id}`), 'reservation', 'number'],
      ['DELETE /api/waitlist/:id', (id) => b.api.del(`/api/waitlist/${id}`), 'waitlist', 'uuid'],
      ['GET registration', (id) => b.api.get(`/api/registration/events/${id}`), 'registration', 'uuid'],
      [
        'PUT registration',
        (id) => b.api.put(`/api/registration/events/${id}`, regBody),
        'registration',
        'uuid',
      ],
      ['POST sync', (id) => b.api.post(`/api/registration/events/${id}/sync`), 'registration', 'uuid'],
      [
        'GET attendees',
        (id) => b.api.get(`/api/registration/events/${id}/attendees`),
        'registration',
        'uuid',
      ],
      [
        'POST retry',
        (id) => b.api.post(`/api/registration/events/${id}/attendees/reservation:1/retry`),
        'registration',
        'uuid',
      ],
      ['GET audit', (id) => b.api.get(`/api/registration/events/${id}/audit`), 'registration', 'uuid'],
      [
        'GET export raw',
        (id) => b.api.get(`/api/registration/events/${id}/export?kind=raw`),
        'registration',
        'uuid',
      ],
      [
        'POST bigquery',
        (id) => b.api.post(`/api/registration/events/${id}/export/bigquery`),
        'registration',
        'uuid',
      ],
      [
        'GET report.csv',
        (id) => b.api.get(`/api/registration/events/${id}/report.csv?from=2026-01-01&to=2026-01-02`),
        'registration',
        'uuid',
      ],
      [
        'GET reg sales',
        (id) => b.api.get(`/api/registration/events/${id}/sales?from=2026-01-01&to=2026-01-02`),
        'registration',
        'uuid',
      ],
      ['GET watch', (id) => b.api.get(`/api/rail/watches/${id}`), 'watch', 'uuid'],
      [
        'PATCH watch',
        (id) => patch(env, b.token, `/api/rail/watches/${id}`, { passengers: { adult: 2 } }),
        'watch',
        'uuid',
      ],
      ['POST watch stop', (id) => b.api.post(`/api/rail/watches/${id}/stop`), 'watch', 'uuid'],
      ['DELETE watch', (id) => b.api.del(`/api/rail/watches/${id}`), 'watch', 'uuid'],
      [
        'DELETE rail reservation',
        (id) => b.api.del(`/api/rail/reservations/${id}`),
        'railReservation',
        'uuid',
      ],
    ];
    const failures: string[] = [];
    for (const [name, call, key, kind] of calls) {
      const theirs = await call(ids[key]);
      const none = await call(missing[kind]);
      if (theirs.status !== 404 || none.status !== 404)
        failures.push(`${name}: A's id ${theirs.status}, a missing id ${none.status}`);
    }
    // Check-in answers a code it cannot place the same way, whether forged or someone else's.
    const checkin = await b.api.post('/api/checkin', { qr: ids.ticketCode });
    if (checkin.status !== 422) failures.push(`POST /api/checkin: ${checkin.status}`);
    expect(failures).toEqual([]);

    // Nothing of A's changed.
    expect((await a.api.get<{ hold: { status: string } }>(`/api/holds/${ids.hold}`)).status).toBe(200);
    const r = await a.api.get<{ reservation: { status: string; checkedInAt: string | null } }>(
      `/api/reservations/${ids.reservation}`,
    );
    expect(r.body.data!.reservation).toMatchObject({ checkedInAt: null });
    expect(r.body.data!.reservation.status).not.toBe('cancelled');
    const wl = await a.api.get<{ entries: { id: string }[] }>('/api/waitlist');
    expect(wl.body.data!.entries.map((e) => e.id)).toContain(ids.waitlist);
    const reg = await a.api.get<{ event: { slug: string } }>(`/api/registration/events/${ids.registration}`);
    expect(reg.body.data!.event.slug).toBe(`acc-${backend}`);
    const ev = await a.api.get<{ event: { title: string } }>(`/api/events/${ids.event}`);
    expect(ev.body.data!.event.title).not.toBe('stolen');
    const watch = await eventually(
      async () =>
        (
          await a.api.get<{ watch: { status: string; passengers: Record<string, number> } }>(
            `/api/rail/watches/${ids.watch}`,
          )
        ).body.data?.watch,
    );
    expect(['waiting', 'trying']).toContain(watch.status);
    expect(watch.passengers).toMatchObject({ adult: 1 });
    const rr = await a.api.get<{ reservations: { id: string; status: string }[] }>('/api/rail/reservations');
    expect(rr.body.data!.reservations.find((x) => x.id === ids.railReservation)?.status).not.toBe(
      'cancelled',
    );
  });
});
