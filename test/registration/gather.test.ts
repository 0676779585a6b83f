import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatherSim } from '../../sims/gather/index.ts';
import {
  createGatherClient,
  GatherError,
  normaliseSpaceId,
} from '../../src/modules/registration/actions/gather.ts';

describe('Gather guest list against the stand-in', () => {
  let sim: Awaited<ReturnType<typeof startGatherSim>>;
  const others = {
    'speaker@example.org': { name: 'Keynote Speaker', role: 'speaker', affiliation: 'Speakers' },
    'staff@example.org': { name: '', role: 'staff', affiliation: 'Staff' },
  };
  beforeAll(async () => {
    sim = await startGatherSim();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.recover();
    sim.setGuestlist(others);
    sim.requests.length = 0;
  });

  const client = (over: Partial<Parameters<typeof createGatherClient>[0]> = {}) =>
    createGatherClient({
      baseUrl: sim.url,
      apiKey: sim.apiKey,
      spaceId: 'aBcD1234/yeyak-conf', // as in the space URL; converted to the backslash form
      attempts: 2,
      ...over,
    });

  it('converts the space id to the backslash form', () => {
    expect(normaliseSpaceId('aBcD1234/yeyak-conf')).toBe('aBcD1234\\yeyak-conf');
    expect(client().spaceId).toBe(sim.spaceId);
  });

  it('adds guests with one merge, never overwriting others', async () => {
    const gather = client();
    await gather.addGuests([
      { email: ' New.Attendee@Example.com ', guest: { role: 'guest', affiliation: 'Attendee' } },
    ]);
    await gather.addGuests({ 'second@example.com': { name: '', role: 'guest', affiliation: 'Attendee' } });
    expect(sim.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/api/setEmailGuestlist'],
      ['POST', '/api/setEmailGuestlist'],
    ]);
    expect(sim.requests[0].body).toMatchObject({ overwrite: false, spaceId: sim.spaceId });
    expect(sim.guestlist()).toEqual({
      ...others,
      'new.attendee@example.com': { role: 'guest', affiliation: 'Attendee' },
      'second@example.com': { name: '', role: 'guest', affiliation: 'Attendee' },
    });
    expect(await gather.getGuestlist()).toEqual(sim.guestlist());
  });

  it('removal is refused unless allowed, and then keeps everyone else', async () => {
    await client().addGuests([{ email: 'refund@example.com' }]);
    const refused = await client().removeGuest('refund@example.com');
    expect(refused).toMatchObject({ removed: false, reason: 'unsupported' });
    expect(Object.keys(sim.guestlist())).toContain('refund@example.com');

    const gather = client({ allowRemoval: true });
    expect(await gather.removeGuest('REFUND@example.com')).toEqual({ removed: true });
    expect(sim.guestlist()).toEqual(others);
    expect(await gather.removeGuest('refund@example.com')).toMatchObject({
      removed: false,
      reason: 'absent',
    });
  });

  it('a wrong API key is a typed error', async () => {
    const err = await client({ apiKey: 'nope' })
      .addGuests([{ email: 'a@example.com' }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect(err.reason).toBe('unauthorized');
    expect(sim.guestlist()).toEqual(others);
  });

  it('an unknown space is a typed not-found error', async () => {
    const err = await client({ spaceId: 'zzz\\other' })
      .getGuestlist()
      .catch((e) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect(err.reason).toBe('not_found');
  });

  it('a failing service surfaces a typed error after the retries', async () => {
    sim.fail(503, 'upstream down');
    const err = await client()
      .addGuests([{ email: 'a@example.com' }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect(err.reason).toBe('unavailable');
    expect(err.details.upstreamStatus).toBe(503);
    expect(sim.requests).toHaveLength(2); // attempts: 2
  });

  it('a single failure is retried and the guest still added', async () => {
    sim.fail(500, 'blip', 1);
    await client().addGuests([{ email: 'retry@example.com' }]);
    expect(sim.guestlist()['retry@example.com']).toEqual({});
  });

  it('a bad request is reported, not retried', async () => {
    sim.fail(400, 'guestlist must be an object', 1);
    const err = await client()
      .addGuests([{ email: 'a@example.com' }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect(err.reason).toBe('rejected');
    expect(err.message).toMatch(/guestlist must be an object/);
    expect(sim.requests).toHaveLength(1);
  });

  it('refuses something that is not an e-mail before calling Gather', async () => {
    const err = await client()
      .addGuests([{ email: 'not-an-email' }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect(sim.requests).toHaveLength(0);
  });
});
