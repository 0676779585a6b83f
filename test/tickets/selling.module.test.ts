import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { harness } from '../harness.ts';

/** Selling through the tickets module alone (no HTTP): quotas, holds, the waiting list. */
describe('tickets on the module harness', () => {
  let y: Yeyak;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ y, stop } = await harness(['tickets']));
  });
  afterAll(() => stop?.());

  async function show(quota: number) {
    const organizer = await y.auth.addUser({
      email: `org-${Math.random().toString(36).slice(2)}@test.yeyak`,
      password: 'password-123',
      role: 'organizer',
    });
    const event = await y.tickets.createEvent(organizer, {
      code: `H${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
      title: '하네스 공연',
      showtimes: [
        {
          startsAt: new Date(Date.now() + 48 * 3_600_000),
          ticketTypes: [{ name: 'R석', price: 50_000, quota }],
        },
      ],
    });
    return event.showtimes[0].ticketTypes[0].id;
  }
  const buyer = (n: number) =>
    y.auth.addUser({ email: `buyer${n}-${Date.now()}@test.yeyak`, password: 'password-123', role: 'user' });

  it('sells exactly the quota to concurrent buyers', async () => {
    const ticketTypeId = await show(5);
    const buyers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(buyer));
    const results = await Promise.allSettled(
      buyers.map((u) => y.tickets.reserve(u, { ticketTypeId, quantity: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const [event] = await y.tickets.listEvents();
    expect(event.showtimes[0].ticketTypes[0]).toMatchObject({ sold: 5, available: 0 });
  });

  it('hands a released hold to the first in the waiting list', async () => {
    const ticketTypeId = await show(1);
    const [first, waiting] = await Promise.all([buyer(10), buyer(11)]);
    const hold = await y.tickets.hold(first, { ticketTypeId, quantity: 1 });
    const entry = await y.tickets.joinWaitlist(waiting, { ticketTypeId, quantity: 1 });
    expect(entry.status).toBe('waiting');
    await y.tickets.releaseHold(first, hold.id);
    const offered = await y.tickets.waitlistEntry(waiting, entry.id);
    expect(offered.status).toBe('offered');
    expect(offered.hold?.status).toBe('held');
  });
});
