import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadOf, TOPICS } from '../src/modules/tickets/events.ts';
import { backends, createEvent, login, startApp, type TestApp } from './helpers.ts';

type Reservation = { id: number; quantity: number; totalPrice: number };

const delivered = (topic: string, payload: Record<string, unknown>) => ({
  id: '00000000-0000-0000-0000-000000000000',
  topic,
  payload,
  createdAt: new Date().toISOString(),
});

describe('tickets event payloads', () => {
  it('are checked once against their topic', () => {
    const payload = {
      entryId: 'e1',
      holdId: 'h1',
      ticketTypeId: 't1',
      quantity: 2,
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    expect(payloadOf(delivered('waitlist.offered', payload), TOPICS.waitlistOffered)).toEqual(payload);
    // Another topic's event, or a payload missing a field, is refused rather than read as NaN or "undefined".
    expect(() => payloadOf(delivered('hold.created', payload), TOPICS.waitlistOffered)).toThrow(/expected/);
    expect(() =>
      payloadOf(delivered('reservation.confirmed', { reservationId: '7' }), TOPICS.reservationConfirmed),
    ).toThrow();
  });
});

describe.each(backends)('reservation.confirmed on %s', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp(backend);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const confirmedPayload = async (reservationId: number) => {
    const res = await t.y.ctx.database.raw(
      "select payload from outbox where topic = 'reservation.confirmed' and (payload->>'reservationId')::int = $1",
      [reservationId],
    );
    expect(res.rows).toHaveLength(1);
    return res.rows[0].payload as Record<string, unknown>;
  };

  it('is the same whether the seats were reserved in one step or held and confirmed', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 12_000, quota: 10 }] });
    const ticketTypeId = ev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t);

    // One step: the payload is built inside the reserving SQL statement.
    const one = await buyer.api.post<{ reservation: Reservation }>('/api/reservations', {
      ticketTypeId,
      quantity: 2,
    });
    expect(one.status).toBe(201);
    // Two steps: the payload is built in TypeScript when the hold is confirmed.
    const held = await buyer.api.post<{ hold: { id: string } }>('/api/holds', { ticketTypeId, quantity: 2 });
    expect(held.status).toBe(201);
    const two = await buyer.api.post<{ reservation: Reservation }>(
      `/api/holds/${held.body.data!.hold.id}/confirm`,
    );
    expect(two.status).toBe(201);

    const a = await confirmedPayload(one.body.data!.reservation.id);
    const b = await confirmedPayload(two.body.data!.reservation.id);
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a).toEqual({ ...b, reservationId: one.body.data!.reservation.id });
    expect(b).toEqual({
      reservationId: two.body.data!.reservation.id,
      ticketTypeId,
      userId: expect.any(String),
      quantity: 2,
      totalPrice: 24_000,
    });
    // Both read back through the consumers' check unchanged.
    expect(payloadOf(delivered('reservation.confirmed', a), TOPICS.reservationConfirmed)).toEqual(a);
    expect(payloadOf(delivered('reservation.confirmed', b), TOPICS.reservationConfirmed)).toEqual(b);
  });
});
