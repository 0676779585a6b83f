import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createYeyak } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { registration } from '../src/modules/registration/index.ts';
import { tickets } from '../src/modules/tickets/index.ts';
import { defineModule } from '../src/platform/module.ts';
import { client, createEvent, eventually, login, startApp, type TestApp } from './helpers.ts';

/** A module as small as a module gets: an API, a route, a job and a consumer of another's events. */
class Hello {
  seen: string[] = [];
  greet = (name: string) => `안녕하세요, ${name}`;
}

declare module '../src/platform/module.ts' {
  interface ModuleApis {
    hello: Hello;
  }
}

const hello = defineModule({
  name: 'hello',
  create(ctx) {
    const api = new Hello();
    return {
      api,
      jobs: [{ name: 'hello.wave', handler: async () => {} }],
      consumers: [
        {
          name: 'hello-tickets',
          topics: ['reservation.confirmed'],
          handle: async (event) => {
            api.seen.push(String(event.payload.reservationId));
          },
        },
      ],
      routes(app) {
        app.get('/api/hello', async () => ({ text: api.greet(ctx.config.demo ? 'demo' : 'yeyak') }));
      },
    };
  },
});

describe('the module contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp('pglite', {}, { modules: [tickets, hello] });
  });
  afterAll(() => t?.stop());

  it('runs a module given in the list: its route, its consumer, its API on yeyak', async () => {
    const res = await client(t.url).get('/api/hello');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ text: '안녕하세요, yeyak' });
    expect(t.y.hello.greet('x')).toBe('안녕하세요, x');

    const organizer = await login(t, 'organizer');
    const buyer = await login(t, 'user');
    const ev = await createEvent(organizer.api);
    const r = await buyer.api.post<{ reservation: { id: number } }>('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    expect(r.status).toBe(201);
    await eventually(async () => t.y.hello.seen.includes(String(r.body.data?.reservation.id)));
  });

  it('leaves out what is not listed: no rail or registration routes, tables or jobs', async () => {
    expect((await client(t.url).get('/api/rail/watches')).status).toBe(404);
    expect((await client(t.url).get('/api/registration/events')).status).toBe(404);
    const tables = await t.y.ctx.database.raw(
      "select to_regclass('public.rail_watches') as rail, to_regclass('public.ticket_events') as tickets",
    );
    expect(tables.rows[0]).toEqual({ rail: null, tickets: 'ticket_events' });
  });

  it('refuses a module listed before the module it needs', async () => {
    const config = { ...loadConfig({ YEYAK_DEMO: '0', LOG_LEVEL: 'silent' }), dataDir: 'memory://' };
    await expect(createYeyak(config, { modules: [registration] })).rejects.toThrow(
      'module "tickets" must be listed before the modules that use it',
    );
  });
});
