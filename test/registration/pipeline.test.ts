import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigQuerySim } from '../../sims/bigquery/index.ts';
import { startDiscordSim } from '../../sims/discord/index.ts';
import { startGatherSim } from '../../sims/gather/index.ts';
import { startKktixSim } from '../../sims/kktix/index.ts';
import type { RegistrationAttendeeView as Attendee } from '../../src/modules/registration/index.ts';
import { registrationActions } from '../../src/modules/registration/schema.ts';
import { contactOf } from '../../src/modules/registration/sources/kktix.ts';
import type { Config } from '../../src/platform/config.ts';
import {
  backends,
  client,
  createEvent,
  eventually,
  freshPostgres,
  login,
  startApp,
  startSmtp,
  type TestApp,
} from '../helpers.ts';

type EventView = {
  id: string;
  slug: string;
  webhookPath: string;
  secrets: Record<string, boolean>;
  sync: { lastOkAt: string | null; nextSyncAt: string | null; lastError: string | null };
  runs: { trigger: string; ok: boolean; added: number; total: number }[];
};

const KKTIX_EVENT = 5001;

describe.each(backends)('registration pipeline on %s', (backend) => {
  let kktix: Awaited<ReturnType<typeof startKktixSim>>;
  let gather: Awaited<ReturnType<typeof startGatherSim>>;
  let discord: Awaited<ReturnType<typeof startDiscordSim>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;
  let overrides: Partial<Config>;
  let cleanup = async () => {};
  let org: Awaited<ReturnType<typeof login>>;
  let ev: EventView;
  let hook: string;
  const figures: Record<string, number> = {};

  const boot = async () => {
    t = await startApp('pglite', overrides);
  };

  beforeAll(async () => {
    kktix = await startKktixSim({
      seed: 11,
      events: [{ id: KKTIX_EVENT, name: 'Conf 2026', attendees: 30 }],
    });
    gather = await startGatherSim({ guestlist: { 'staff@example.org': { role: 'owner' } } });
    discord = await startDiscordSim();
    smtp = await startSmtp();
    hook = discord.createWebhook();
    // A database that outlives one app, so a restart can be tested.
    let persistent: Partial<Config>;
    if (backend === 'postgres') {
      const fresh = await freshPostgres();
      persistent = { databaseUrl: fresh.url };
      cleanup = fresh.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'yeyak-reg-'));
      persistent = { dataDir: dir };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    overrides = {
      ...persistent,
      secret: 'pipeline-test-secret-0123456789abcdefghij',
      smtpUrl: smtp.url,
      registrationKktixIntervalMs: 0,
      discord: { publicKey: discord.publicKeyHex, applicationId: discord.applicationId, apiUrl: discord.api },
    };
    await boot();
    org = await login(t, 'organizer');
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await cleanup();
    await kktix?.close();
    await gather?.close();
    await discord?.close();
    await smtp?.close();
    if (Object.keys(figures).length) console.log(`[figures ${backend}]`, JSON.stringify(figures));
  });

  const settings = (token: string) => ({
    slug: `conf-${backend}`,
    name: 'Conf 2026',
    source: 'kktix',
    kktix: { baseUrl: kktix.url, eventId: String(KKTIX_EVENT), token },
    pollMinutes: 3,
    venueLink: 'https://app.gather.town/app/aBcD1234/yeyak-conf',
    startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    quotas: { 'Regular 一般票': 500 },
    gather: {
      enabled: true,
      baseUrl: gather.url,
      spaceId: gather.spaceId,
      apiKey: gather.apiKey,
      allowRemoval: true,
    },
    mail: {
      enabled: true,
      subject: 'Welcome to <%= it.eventName %>',
      template:
        '<p>Hi <%= it.name %></p><p><%= it.ticketName %> · <%= it.date %></p><p><a href="<%= it.venueLink %>">venue</a></p>',
    },
    discord: { enabled: true, webhookUrl: hook },
    discordGuildId: discord.guildId,
  });

  const attendees = async () =>
    (
      await org.api.get<{ attendees: Attendee[]; total: number }>(
        `/api/registration/events/${ev.id}/attendees?limit=1000`,
      )
    ).body.data!;
  const mailsTo = (email: string) =>
    smtp.messages.filter((m) => m.parsed.to && JSON.stringify(m.parsed.to).includes(email));
  const totals = () =>
    announcements()
      .map((m) => Number(/Total: (\d+)$/.exec(m)?.[1]))
      .sort((a, b) => a - b);
  const announcements = () =>
    discord.messages.filter((m) => m.kind === 'webhook').map((m) => String(m.payload.content));

  it('refuses a wrong KKTIX token clearly and stores nothing', async () => {
    const res = await org.api.post('/api/registration/events', settings('wrong-token-123'));
    expect(res.status).toBe(422);
    expect(res.body.description).toMatch(/kktix\.token.*refused the token/i);
    const list = await org.api.get<{ events: unknown[] }>('/api/registration/events');
    expect(list.body.data!.events).toHaveLength(0);
    const bad = await org.api.post('/api/registration/events', { ...settings(kktix.token()), slug: '!' });
    expect(bad.status).toBe(400);
  });

  it('connects an event: the first sync is the baseline, secrets are sealed', async () => {
    const res = await org.api.post<{ event: EventView }>('/api/registration/events', settings(kktix.token()));
    expect(res.status).toBe(201);
    ev = res.body.data!.event;
    expect(ev.secrets).toEqual({ kktixToken: true, gatherApiKey: true, discordWebhookUrl: true });
    expect(JSON.stringify(res.body)).not.toContain(kktix.token());
    const raw = await t.y.ctx.database.raw('select secrets from registration_events where id = $1', [ev.id]);
    expect(String(raw.rows[0].secrets)).toMatch(/^v1\./);
    expect(String(raw.rows[0].secrets)).not.toContain(kktix.token());
    await eventually(async () => {
      const got = await org.api.get<{ event: EventView }>(`/api/registration/events/${ev.id}`);
      return got.body.data!.event.sync.lastOkAt ? got : undefined;
    });
    const got = (await org.api.get<{ event: EventView }>(`/api/registration/events/${ev.id}`)).body.data!
      .event;
    expect(got.runs[0]).toMatchObject({ ok: true, total: 30, added: 30, trigger: 'create' });
    const next = Date.parse(got.sync.nextSyncAt as string) - Date.parse(got.sync.lastOkAt as string);
    expect(next).toBeGreaterThan(170_000);
    expect(next).toBeLessThan(190_000);
    expect((await attendees()).total).toBe(30);
    expect(smtp.messages).toHaveLength(0);
    expect(announcements()).toHaveLength(0);
  });

  it('lets new buyers in through the webhook: guest list, welcome mail, announcement, once each', async () => {
    const added = kktix.addPaid(KKTIX_EVENT, 3);
    const started = Date.now();
    const batch = kktix.webhookBatch();
    const sent = await kktix.sendWebhook(t.url + ev.webhookPath);
    expect(sent.status).toBe(202);
    for (const a of added) await eventually(async () => mailsTo(contactOf(a).email as string).length === 1);
    figures.webhookToMailMs = Date.now() - started;
    // A duplicate delivery of the same batch changes nothing.
    const again = await kktix.sendWebhook(t.url + ev.webhookPath, batch);
    expect(again.status).toBe(202);
    await eventually(async () => {
      const e = (await org.api.get<{ event: EventView }>(`/api/registration/events/${ev.id}`)).body.data!
        .event;
      return e.runs.filter((r) => r.trigger === 'webhook').length >= 2;
    });
    await eventually(async () => announcements().length === 3);
    await new Promise((r) => setTimeout(r, 800));
    for (const a of added) {
      const c = contactOf(a);
      expect(mailsTo(c.email as string)).toHaveLength(1);
      const mail = mailsTo(c.email as string)[0].parsed;
      expect(mail.subject).toBe('Welcome to Conf 2026');
      expect(mail.html).toContain('https://app.gather.town/app/aBcD1234/yeyak-conf');
      expect(mail.html).toContain(a.ticket_name);
      expect(gather.guestlist()[(c.email as string).toLowerCase()]).toBeDefined();
    }
    expect(Object.keys(gather.guestlist())).toContain('staff@example.org');
    expect(announcements()).toHaveLength(3);
    expect(totals()).toEqual([31, 32, 33]);
    for (const a of added) expect(announcements().join('\n')).not.toContain(contactOf(a).name as string);
    const list = await attendees();
    const mine = list.attendees.filter((x) => added.some((a) => String(a.id) === x.id));
    expect(
      mine.every(
        (x) => x.actions.length === 3 && x.actions.every((y) => y.status === 'done' && y.attempts === 1),
      ),
    ).toBe(true);
  });

  it('rejects a malformed or unknown webhook with nothing applied', async () => {
    const detail = async () =>
      (await org.api.get<{ event: EventView }>(`/api/registration/events/${ev.id}`)).body.data!.event;
    const runsBefore = (await detail()).runs.length;
    const totalBefore = (await attendees()).total;
    const [buyer] = kktix.addPaid(KKTIX_EVENT, 1); // a sync would find this one
    const batch = kktix.webhookBatch();
    // One good order and one bad one: the whole batch is refused, naming the field.
    const bad = await client(t.url).post(ev.webhookPath, {
      orders: [batch.orders[0], { ...batch.orders[0], is_paid: 'yes' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toMatch(/^body\.orders\[1\]\.is_paid: must be true or false/);
    expect(bad.body.data).toEqual({
      errors: [{ path: 'body.orders[1].is_paid', message: 'must be true or false' }],
    });
    const notJson = await client(t.url).post(ev.webhookPath, '{"orders": [', {
      'content-type': 'application/json',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.description).toMatch(/^body: is not JSON/);
    const notAList = await client(t.url).post(ev.webhookPath, { orders: { order_no: 1 } });
    expect(notAList.status).toBe(400);
    expect(notAList.body.data).toMatchObject({ errors: [{ path: 'body.orders' }] });
    const badAttendee = await client(t.url).post(ev.webhookPath, [{ attendees: [{ id: 'x' }] }]);
    expect(badAttendee.body.data).toMatchObject({ errors: [{ path: 'body[0].attendees[0].id' }] });
    const unknown = await client(t.url).post(
      '/api/registration/kktix/webhook/not-the-right-secret-xyz',
      kktix.webhookBatch(),
    );
    expect(unknown.status).toBe(404);
    await new Promise((r) => setTimeout(r, 700));
    expect((await detail()).runs.length).toBe(runsBefore);
    expect((await attendees()).total).toBe(totalBefore);
    expect(mailsTo(contactOf(buyer).email as string)).toHaveLength(0);

    // KKTIX does not document the webhook body, so any well-formed batch, whatever its extra
    // fields, content type or emptiness, is a trigger for a sync that reads the API.
    const shapes: [unknown, Record<string, string>][] = [
      [[{ order_no: 'A-1', status: 'paid', some_new_field: { x: 1 } }], { 'content-type': 'text/plain' }],
      [{ data: [] }, { 'content-type': 'application/x-kktix+json' }],
      [batch, { 'content-type': 'application/json' }],
    ];
    for (const [body, headers] of shapes) {
      const res = await client(t.url).post(ev.webhookPath, JSON.stringify(body), headers);
      expect(res.status).toBe(202);
    }
    await eventually(async () => mailsTo(contactOf(buyer).email as string).length === 1);
    await eventually(async () => (await detail()).runs.length >= runsBefore + 1);
    await eventually(async () => announcements().length === 4);
    await new Promise((r) => setTimeout(r, 800));
    // Three deliveries, one buyer: one mail, one announcement.
    expect(mailsTo(contactOf(buyer).email as string)).toHaveLength(1);
    expect(totals()).toEqual([31, 32, 33, 34]);
  });

  it('neither misses nor repeats anyone across a restart', async () => {
    await t.stop();
    const bought = kktix.addPaid(KKTIX_EVENT, 2); // while yeyak is down
    await boot();
    const again = await client(t.url).post<{ token: string }>('/api/auth/login', {
      email: org.email,
      password: 'password-123',
    });
    org = { ...org, token: again.body.data!.token, api: client(t.url, again.body.data!.token) };
    const res = await org.api.post<{ sync: { added: number; requests: number } }>(
      `/api/registration/events/${ev.id}/sync`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data!.sync.added).toBe(2);
    for (const a of bought) await eventually(async () => mailsTo(contactOf(a).email as string).length === 1);
    await eventually(async () => announcements().length === 6);
    const second = await org.api.post<{ sync: { added: number } }>(`/api/registration/events/${ev.id}/sync`);
    expect(second.body.data!.sync.added).toBe(0);
    await new Promise((r) => setTimeout(r, 800));
    expect(smtp.messages).toHaveLength(6);
    expect(announcements()).toHaveLength(6);
    expect(totals()).toEqual([31, 32, 33, 34, 35, 36]);
  });

  it('takes refunds out of the guest list and reports them', async () => {
    const list = await attendees();
    const target = list.attendees.find((a) => a.actions.some((x) => x.action === 'gather'))!;
    kktix.refund(KKTIX_EVENT, [Number(target.id)]);
    const res = await org.api.post<{ sync: { refunded: number } }>(`/api/registration/events/${ev.id}/sync`);
    expect(res.body.data!.sync.refunded).toBe(1);
    await eventually(async () => !(target.email!.toLowerCase() in gather.guestlist()));
    const after = (await attendees()).attendees.find((a) => a.id === target.id)!;
    expect(after.active).toBe(false);
    expect(after.refundedAt).not.toBeNull();
    await eventually(
      async () =>
        (await attendees()).attendees
          .find((a) => a.id === target.id)!
          .actions.find((x) => x.action === 'gather_remove')?.status === 'done',
    );
    expect(Object.keys(gather.guestlist())).toContain('staff@example.org');
  });

  it('treats a refunded attendee who buys again as new: access, mail and announcement again', async () => {
    const sync = () =>
      org.api.post<{ sync: { added: number; refunded: number } }>(`/api/registration/events/${ev.id}/sync`);
    const gone = (await attendees()).attendees.find(
      (a) => !a.active && a.actions.some((x) => x.action === 'gather_remove' && x.status === 'done'),
    )!;
    const email = gone.email as string;
    expect(mailsTo(email)).toHaveLength(1);
    expect(gather.guestlist()[email.toLowerCase()]).toBeUndefined();
    // A refund is reported once, not again at every later sync.
    expect((await sync()).body.data!.sync).toMatchObject({ added: 0, refunded: 0 });
    const posts = announcements().length;

    kktix.rebuy(KKTIX_EVENT, [Number(gone.id)]); // the same KKTIX attendee id, paid again
    expect((await sync()).body.data!.sync).toMatchObject({ added: 1, refunded: 0 });
    await eventually(async () => mailsTo(email).length === 2);
    await eventually(async () => gather.guestlist()[email.toLowerCase()] !== undefined);
    await eventually(async () => announcements().length === posts + 1);
    expect(totals().at(-1)).toBe(37); // a new number, after the 36 admissions so far
    const back = await eventually(async () => {
      const a = (await attendees()).attendees.find((x) => x.id === gone.id)!;
      const current = a.actions.filter((x) => x.admission === a.admission);
      return current.length === 3 && current.every((x) => x.status === 'done') ? a : undefined;
    });
    expect(back.active).toBe(true);
    expect(back.admission).toBe(37);
    // Both rounds are kept: the first admission's actions and its removal, then the new ones.
    expect(back.actions.map((x) => `${x.admission}:${x.action}:${x.status}`)).toEqual([
      '37:discord:done',
      '37:gather:done',
      '37:mail:done',
      `${gone.admission}:discord:done`,
      `${gone.admission}:gather:done`,
      `${gone.admission}:gather_remove:done`,
      `${gone.admission}:mail:done`,
    ]);
    // Once per admission: syncing again and a duplicate webhook change nothing.
    expect((await sync()).body.data!.sync).toMatchObject({ added: 0, refunded: 0 });
    expect((await kktix.sendWebhook(t.url + ev.webhookPath)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 800));
    expect(mailsTo(email)).toHaveLength(2);
    expect(announcements()).toHaveLength(posts + 1);
  });

  it('shows a Gather failure, retries it, and lets an organiser retry it by hand', async () => {
    gather.fail(403, '{"error":"forbidden"}');
    const [a] = kktix.addPaid(KKTIX_EVENT, 1);
    await org.api.post(`/api/registration/events/${ev.id}/sync`);
    const email = contactOf(a).email as string;
    await eventually(async () => mailsTo(email).length === 1); // the other actions go on
    const failed = await eventually(async () => {
      const x = (await attendees()).attendees.find((y) => y.id === String(a.id))!;
      const g = x.actions.find((y) => y.action === 'gather')!;
      return g.status === 'failed' && g.attempts >= 2 ? g : undefined;
    });
    expect(failed.lastError).toMatch(/Gather refused the API key/);
    gather.recover();
    // An announcement already posted is not posted again when its action runs again (as if its row
    // had not been marked done): the platform's notify layer keeps one record per admission.
    const actionDone = async (action: string) =>
      (await attendees()).attendees
        .find((y) => y.id === String(a.id))!
        .actions.find((y) => y.action === action)!.status === 'done';
    await eventually(() => actionDone('discord'));
    const posts = announcements().length;
    await t.y.ctx.database.db
      .update(registrationActions)
      .set({ status: 'failed' })
      .where(
        and(
          eq(registrationActions.eventId, ev.id),
          eq(registrationActions.externalId, String(a.id)),
          eq(registrationActions.action, 'discord'),
        ),
      );
    const retry = await org.api.post<{ actions: string[] }>(
      `/api/registration/events/${ev.id}/attendees/${a.id}/retry`,
    );
    expect(retry.status).toBe(202);
    expect(retry.body.data!.actions.sort()).toEqual(['discord', 'gather']);
    await eventually(() => actionDone('gather'));
    await eventually(() => actionDone('discord'));
    expect(announcements()).toHaveLength(posts);
    expect(gather.guestlist()[email.toLowerCase()]).toBeDefined();
    expect(mailsTo(email)).toHaveLength(1);
  }, 30_000);

  it('skips the actions of an admission a refund and a rebuy overtook', async () => {
    const sync = () => org.api.post(`/api/registration/events/${ev.id}/sync`);
    const mine = async (id: number) => (await attendees()).attendees.find((y) => y.id === String(id))!;
    gather.fail(403, '{"error":"forbidden"}'); // the first admission's Gather actions cannot finish
    const [a] = kktix.addPaid(KKTIX_EVENT, 1);
    const email = contactOf(a).email as string;
    await sync();
    await eventually(async () => mailsTo(email).length === 1);
    kktix.refund(KKTIX_EVENT, [a.id]);
    await sync();
    kktix.rebuy(KKTIX_EVENT, [a.id]);
    await sync();
    await eventually(async () => mailsTo(email).length === 2);
    const first = (await mine(a.id)).actions.find((x) => x.action === 'gather_remove')!.admission;
    gather.recover();
    await org.api.post(`/api/registration/events/${ev.id}/attendees/${a.id}/retry`);
    const done = await eventually(async () => {
      const x = await mine(a.id);
      const settled = x.actions.every((y) => y.status === 'done' || y.status === 'skipped');
      return settled &&
        x.actions.find((y) => y.admission === x.admission && y.action === 'gather')?.status === 'done'
        ? x
        : undefined;
    }, 30_000);
    const state = Object.fromEntries(done.actions.map((x) => [`${x.admission}:${x.action}`, x.status]));
    expect(state).toMatchObject({
      [`${done.admission}:gather`]: 'done',
      [`${first}:gather`]: 'skipped',
      [`${first}:gather_remove`]: 'skipped',
    });
    // The old round neither let the guest in twice nor took the new admission's access away.
    expect(gather.guestlist()[email.toLowerCase()]).toBeDefined();
    expect(mailsTo(email)).toHaveLength(2);
  }, 40_000);

  it('polls on its own at the configured interval', async () => {
    const put = await org.api.put(`/api/registration/events/${ev.id}`, {
      ...settings(''),
      kktix: { ...settings('').kktix, token: undefined },
      pollMinutes: 0.05,
    });
    expect(put.status).toBe(200);
    // The current chain was scheduled for 3 minutes; one manual sync moves it to the new interval.
    await org.api.post(`/api/registration/events/${ev.id}/sync`);
    const [a] = kktix.addPaid(KKTIX_EVENT, 1);
    const started = Date.now();
    await eventually(async () => mailsTo(contactOf(a).email as string).length === 1, 20_000);
    figures.pollInterval3sToMailMs = Date.now() - started;
  }, 30_000);

  it('keeps raw data to the organisers and admins, and audits views and exports', async () => {
    const other = await login(t, 'organizer');
    expect((await other.api.get(`/api/registration/events/${ev.id}/attendees`)).status).toBe(404);
    expect((await other.api.get(`/api/registration/events/${ev.id}/export?kind=raw`)).status).toBe(404);
    const buyer = await login(t);
    expect((await buyer.api.get(`/api/registration/events/${ev.id}`)).status).toBe(403);
    expect((await client(t.url).get(`/api/registration/events/${ev.id}/attendees`)).status).toBe(401);
    const admin = await login(t, 'admin');
    expect((await admin.api.get(`/api/registration/events/${ev.id}/attendees`)).status).toBe(200);

    const csv = await (await org.api.raw(`/api/registration/events/${ev.id}/export?format=csv`)).text();
    const ndjson = await (await org.api.raw(`/api/registration/events/${ev.id}/export?format=ndjson`)).text();
    const people = kktix.attendees(KKTIX_EVENT);
    expect(csv.split('\n').length).toBeGreaterThan(30);
    for (const p of people.slice(0, 10)) {
      const c = contactOf(p);
      expect(csv + ndjson).not.toContain(c.email as string);
      expect(csv + ndjson).not.toContain(c.phone as string);
    }
    const first = JSON.parse(ndjson.split('\n')[0]);
    expect(first.email_pseudonym).toMatch(/^[0-9a-f]{64}$/);
    expect(first.paid_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const raw = await (
      await org.api.raw(`/api/registration/events/${ev.id}/export?format=csv&kind=raw`)
    ).text();
    expect(raw).toContain(contactOf(people[0]).email as string);
    const audit = await org.api.get<{ audit: { action: string; userId: string }[] }>(
      `/api/registration/events/${ev.id}/audit`,
    );
    const actions = audit.body.data!.audit.map((x) => x.action);
    expect(actions).toContain('view');
    expect(actions).toContain('export_raw');
    expect(actions).toContain('export_deidentified');
  });

  it('loads the de-identified rows into BigQuery with a load job', async () => {
    const bq = await startBigQuerySim();
    try {
      const base = settings('');
      const put = await org.api.put(`/api/registration/events/${ev.id}`, {
        ...base,
        kktix: { ...base.kktix, token: undefined },
        pollMinutes: 0.05,
        bigquery: { projectId: 'yeyak-test', datasetId: 'reg', tableId: 'attendees', apiEndpoint: bq.url },
      });
      expect(put.status).toBe(200);
      const res = await org.api.post<{ load: { outputRows: number } }>(
        `/api/registration/events/${ev.id}/export/bigquery`,
      );
      expect(res.status).toBe(200);
      const rows = bq.rows('reg', 'attendees');
      expect(res.body.data!.load.outputRows).toBe(rows.length);
      expect(rows.length).toBe((await attendees()).total);
      expect(JSON.stringify(rows)).not.toMatch(/guest\d+@example\.com/);
      await bq.close();
      const down = await org.api.post(`/api/registration/events/${ev.id}/export/bigquery`);
      expect(down.status).toBe(502);
    } finally {
      await bq.close();
    }
  });

  it('reports sales by day and ticket type, and refuses reversed or too long ranges', async () => {
    const sales = await org.api.get<{
      sales: { days: string[]; rows: { ticketName: string; total: number }[] };
    }>(`/api/registration/events/${ev.id}/sales`);
    const sum = sales.body.data!.sales.rows.reduce((x, r) => x + r.total, 0);
    expect(sum).toBe(kktix.attendees(KKTIX_EVENT).filter((a) => a.is_paid).length);
    const today = new Date().toISOString().slice(0, 10);
    const csv = await (
      await org.api.raw(`/api/registration/events/${ev.id}/report.csv?from=${today}&to=${today}`)
    ).text();
    expect(csv.split('\r\n')[0]).toBe(`ticket_type,${today},total`);
    const reversed = await org.api.get(
      `/api/registration/events/${ev.id}/report.csv?from=2026-02-01&to=2026-01-01`,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.description).toMatch(/to: must not be before from/);
    const long = await org.api.get(`/api/registration/events/${ev.id}/sales?from=2025-01-01&to=2026-01-01`);
    expect(long.status).toBe(400);
    expect(long.body.description).toMatch(/at most 92/);
  });

  it('answers signed Discord interactions: ping, list, status, report, bad input', async () => {
    const url = `${t.url}/api/discord/interactions`;
    const ping = await discord.ping(url);
    expect(ping).toMatchObject({ status: 200, acknowledged: true, response: { type: 1 } });
    expect((await discord.ping(url, { signature: 'bad' })).status).toBe(401);
    expect((await discord.ping(url, { signature: 'stale' })).status).toBe(401);
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":1}',
    });
    expect(unsigned.status).toBe(401);

    const list = await discord.command(url, 'list');
    expect(list.acknowledged).toBe(true);
    expect(JSON.stringify(list.response)).toContain(`conf-${backend}`);

    const status = await discord.command(url, 'status', { slug: `conf-${backend}` });
    const text = (status.response as { data: { content: string } }).data.content;
    expect(text).toMatch(/Regular 一般票: \d+ sold \/ 500 total/);
    expect(text).toMatch(/unlimited/);

    const unknown = await discord.command(url, 'status', { slug: 'nope' });
    expect((unknown.response as { data: { content: string; flags: number } }).data).toMatchObject({
      flags: 64,
    });
    expect(JSON.stringify(unknown.response)).toMatch(/unknown event slug/);
    const reversed = await discord.command(url, 'report', {
      slug: `conf-${backend}`,
      from: '2026-02-01',
      to: '2026-01-01',
    });
    expect(JSON.stringify(reversed.response)).toMatch(/from must not be after to/);
    const long = await discord.command(url, 'report', {
      slug: `conf-${backend}`,
      from: '2025-01-01',
      to: '2026-01-01',
    });
    expect(JSON.stringify(long.response)).toMatch(/at most 92/);

    const today = new Date().toISOString().slice(0, 10);
    const report = await discord.command(url, 'report', { slug: `conf-${backend}`, from: today, to: today });
    expect(report).toMatchObject({ acknowledged: true, response: { type: 5 } });
    const follow = await eventually(async () =>
      discord.messages.find(
        (m) => m.kind === 'edit_original' && m.files.some((f) => f.filename.endsWith('.csv')),
      ),
    );
    const csv = follow.files[0].text;
    expect(csv.split('\r\n')[0]).toBe(`ticket_type,${today},total`);
    expect(csv).toMatch(/TOTAL,\d+,\d+/);
  });

  it('defers a slow answer and edits it in afterwards', async () => {
    const reg = t.y.registration;
    const original = reg.status.bind(reg);
    reg.status = async (e) => {
      await new Promise((r) => setTimeout(r, 2600));
      return original(e);
    };
    try {
      const res = await discord.command(`${t.url}/api/discord/interactions`, 'status', {
        slug: `conf-${backend}`,
      });
      expect(res).toMatchObject({ acknowledged: true, response: { type: 5 } });
      expect(res.elapsedMs).toBeLessThan(3000);
      const edit = await eventually(async () =>
        discord.messages.find((m) => m.kind === 'edit_original' && m.files.length === 0),
      );
      expect(String(edit.payload.content)).toMatch(/Regular 一般票: \d+ sold \/ 500 total/);
    } finally {
      reg.status = original;
    }
  });

  it('answers /event only about the events connected to the asking Discord server', async () => {
    const url = `${t.url}/api/discord/interactions`;
    const serverB = '1300000000000000777';
    const secret = `secret-${backend}`;
    const text = (r: { response: unknown }) => JSON.stringify(r.response);
    // Another organiser's event, connected to server B.
    const other = await login(t, 'organizer');
    const tev = await createEvent(other.api, { ticketTypes: [{ name: 'VIP', price: 1000, quota: 5 }] });
    const bad = await other.api.post('/api/registration/events', {
      slug: `bad-guild-${backend}`,
      name: 'x',
      source: 'tickets',
      ticketsEventId: tev.id,
      discordGuildId: 'our server',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toMatchObject({ errors: [{ path: 'body.discordGuildId' }] });
    const made = await other.api.post('/api/registration/events', {
      slug: secret,
      name: 'Secret meetup',
      source: 'tickets',
      ticketsEventId: tev.id,
      discordGuildId: serverB,
    });
    expect(made.status).toBe(201);

    const listA = await discord.command(url, 'list');
    expect(text(listA)).toContain(`conf-${backend}`);
    expect(text(listA)).not.toContain(secret);
    const listB = await discord.command(url, 'list', {}, { guildId: serverB });
    expect(text(listB)).toContain(secret);
    expect(text(listB)).not.toContain(`conf-${backend}`);

    // From server A, server B's slug answers exactly like a slug that does not exist.
    const same = (r: { response: unknown }, slug: string) => text(r).replaceAll(slug, 'SLUG');
    const today = new Date().toISOString().slice(0, 10);
    const edits = discord.messages.length;
    for (const [sub, values] of [
      ['status', {}],
      ['report', { from: today, to: today }],
    ] as const) {
      const foreign = await discord.command(url, sub, { slug: secret, ...values });
      const missing = await discord.command(url, sub, { slug: `nope-${backend}`, ...values });
      expect(foreign.status).toBe(200);
      expect(same(foreign, secret)).toBe(same(missing, `nope-${backend}`));
      expect(text(foreign)).toMatch(/unknown event slug/);
      expect(text(foreign)).not.toMatch(/VIP|Secret meetup/);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(discord.messages.length).toBe(edits); // no deferred answer, no CSV sent anywhere

    // From server B it answers; from a DM, nothing is listed or found.
    const own = await discord.command(url, 'status', { slug: secret }, { guildId: serverB });
    expect(text(own)).toMatch(/VIP: 0 sold \/ 5 total/);
    const dmList = await discord.command(url, 'list', {}, { guildId: null });
    expect(text(dmList)).not.toMatch(/conf-|secret-/);
    // A DM has no server language: the answer is in the user's own (the stand-in's user reads zh-TW).
    const dmStatus = await discord.command(url, 'status', { slug: `conf-${backend}` }, { guildId: null });
    expect(text(dmStatus)).toMatch(/找不到活動代號/);

    // The organiser can take an event off Discord: its server no longer sees it.
    const base = settings('');
    const off = await org.api.put(`/api/registration/events/${ev.id}`, {
      ...base,
      kktix: { ...base.kktix, token: undefined },
      pollMinutes: 0.05,
      discordGuildId: null,
    });
    expect(off.status).toBe(200);
    expect(text(await discord.command(url, 'list'))).not.toContain(`conf-${backend}`);
    const on = await org.api.put(`/api/registration/events/${ev.id}`, {
      ...base,
      kktix: { ...base.kktix, token: undefined },
      pollMinutes: 0.05,
    });
    expect(on.status).toBe(200);
    expect(text(await discord.command(url, 'list'))).toContain(`conf-${backend}`);
  });

  it('records a token KKTIX no longer accepts, and applies nothing', async () => {
    const before = (await attendees()).total;
    const mails = smtp.messages.length;
    const token = kktix.token();
    kktix.setToken('rotated-token-123');
    const [late] = kktix.addPaid(KKTIX_EVENT, 1);
    const res = await org.api.post(`/api/registration/events/${ev.id}/sync`);
    expect(res.status).toBe(502);
    expect(res.body.description).toMatch(/KKTIX refused the token/);
    expect(res.body).toMatchObject({ key: 'registration.kktix_token', params: { status: 401 } });
    const e = (await org.api.get<{ event: EventView }>(`/api/registration/events/${ev.id}`)).body.data!.event;
    expect(e.sync.lastError).toMatch(/KKTIX refused the token/);
    expect(e.runs[0]).toMatchObject({ ok: false });
    expect((await attendees()).total).toBe(before);
    expect(smtp.messages.length).toBe(mails);
    // Once the token works again, the buyer is picked up: nothing was lost.
    const posts = announcements().length;
    kktix.setToken(token);
    await eventually(async () => mailsTo(contactOf(late).email as string).length === 1);
    await eventually(async () => announcements().length === posts + 1);
  });

  it('follows yeyak’s own ticket sales through their events', async () => {
    const tev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 50_000, quota: 10 }] });
    const res = await org.api.post<{ event: EventView }>('/api/registration/events', {
      slug: `own-${backend}`,
      name: 'Own event',
      source: 'tickets',
      ticketsEventId: tev.id,
      mail: { enabled: true },
      // removal not allowed: a cancellation is reported, the guest list left alone
      gather: { enabled: true, baseUrl: gather.url, spaceId: gather.spaceId, apiKey: gather.apiKey },
      discord: { enabled: true, webhookUrl: hook },
      discordGuildId: discord.guildId,
    });
    expect(res.status).toBe(201);
    const own = res.body.data!.event;
    const buyer = await login(t);
    const before = announcements().length;
    const r = await buyer.api.post<{ reservation: { id: number } }>('/api/reservations', {
      ticketTypeId: tev.showtimes[0].ticketTypes[0].id,
      quantity: 2,
    });
    expect(r.status).toBe(201);
    await eventually(async () => announcements().length === before + 1);
    expect(announcements().at(-1)).toMatch(/\(R석 ×2\)\. Total: \d+$/);
    // The shipped welcome mail, in the (Korean) organiser's language: attendees have no account.
    await eventually(async () =>
      mailsTo(buyer.email).some((m) => /님, 환영합니다/.test(m.parsed.subject ?? '')),
    );
    const cancel = await buyer.api.del(`/api/reservations/${r.body.data!.reservation.id}`);
    expect(cancel.status).toBe(200);
    const removal = await eventually(async () => {
      const l = await org.api.get<{ attendees: Attendee[] }>(`/api/registration/events/${own.id}/attendees`);
      const a = l.body.data!.attendees[0];
      const r = a?.actions.find((x) => x.action === 'gather_remove');
      return a?.active === false && r?.status === 'skipped' ? r : undefined;
    });
    expect(removal.lastError).toMatch(/cannot delete one guest/);
    expect(gather.guestlist()[buyer.email.toLowerCase()]).toBeDefined();
    const st = await discord.command(`${t.url}/api/discord/interactions`, 'status', {
      slug: `own-${backend}`,
    });
    expect(JSON.stringify(st.response)).toMatch(/R석: 0 sold \/ 10 total/);
  });

  it('numbers announcements 1..N, no duplicates, when many attendees arrive at once', async () => {
    const tev = await createEvent(org.api, { ticketTypes: [{ name: 'S석', price: 10_000, quota: 200 }] });
    const typeId = tev.showtimes[0].ticketTypes[0].id;
    const buyer = await login(t);
    const reserve = () =>
      buyer.api.post<{ reservation: { id: number } }>('/api/reservations', {
        ticketTypeId: typeId,
        quantity: 1,
      });
    // Bought before anyone followed the event: their confirmations found no follower.
    const early = await Promise.all(Array.from({ length: 30 }, reserve));
    expect(early.every((r) => r.status === 201)).toBe(true);
    const rushHook = discord.createWebhook();
    const created = await org.api.post<{ event: EventView }>('/api/registration/events', {
      slug: `rush-${backend}`,
      name: 'Rush',
      source: 'tickets',
      ticketsEventId: tev.id,
      discord: { enabled: true, webhookUrl: rushHook },
    });
    expect(created.status).toBe(201);
    const rush = created.body.data!.event;
    // Their confirmations (the events tickets stored) replayed all at once through the consumer's
    // handler, while 30 more buyers reserve at the same time and go through the event pipeline.
    const confirmed = await t.y.ctx.database.raw(
      "select payload from outbox where topic = 'tickets.reservation_confirmed' and (payload->>'reservationId')::int = any($1::int[])",
      [early.map((r) => r.body.data!.reservation.id)],
    );
    expect(confirmed.rows).toHaveLength(30);
    const [, late] = await Promise.all([
      Promise.all(
        confirmed.rows.map((row) =>
          t.y.registration.onReservation(
            'tickets.reservation_confirmed',
            (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
              string,
              unknown
            >,
          ),
        ),
      ),
      Promise.all(Array.from({ length: 30 }, reserve)),
    ]);
    expect(late.every((r) => r.status === 201)).toBe(true);
    const posts = () =>
      discord.messages
        .filter((m) => m.kind === 'webhook' && rushHook.includes(`/${m.webhookId}/`))
        .map((m) => Number(/Total: (\d+)$/.exec(String(m.payload.content))?.[1]));
    await eventually(async () => posts().length >= 60, 30_000);
    await new Promise((r) => setTimeout(r, 800));
    const numbers = posts().sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const stored = (
      await org.api.get<{ attendees: Attendee[] }>(`/api/registration/events/${rush.id}/attendees?limit=1000`)
    ).body.data!.attendees.map((a) => a.admission);
    expect(stored.sort((a, b) => Number(a) - Number(b))).toEqual(numbers);
  }, 60_000);
});
