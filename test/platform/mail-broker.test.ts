import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createYeyak } from '../../src/app.ts';
import { queueNames } from '../../src/platform/events/amqp.ts';
import {
  amqpUrl,
  backends,
  createEvent,
  decodeQr,
  deleteAmqpNamespace,
  eventually,
  login,
  startApp,
  startSmtp,
  type TestApp,
} from '../helpers.ts';

/** A TCP proxy in front of RabbitMQ that the test can cut and restore, to play "broker down". */
async function startProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(Number(port || 5672), hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const u = new URL(target);
  u.hostname = '127.0.0.1';
  u.port = String((server.address() as AddressInfo).port);
  return {
    url: u.toString(),
    down() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      up = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

describe.skipIf(!amqpUrl).each(backends)('ticket mail through RabbitMQ and SMTP on %s', (backend) => {
  let t: TestApp;
  let smtp: Smtp;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const namespace = `yeyak-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    proxy = await startProxy(amqpUrl!);
    t = await startApp(backend, {
      amqpUrl: proxy.url,
      amqpNamespace: namespace,
      smtpUrl: smtp.url,
      mailMaxAttempts: 3,
      retryBaseMs: 300,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
    await smtp?.close();
    if (t)
      await deleteAmqpNamespace(
        amqpUrl!,
        namespace,
        t.y.consumers.map((c) => c.name),
      );
  });

  const mailsTo = (email: string) =>
    smtp.messages.filter((m) => m.parsed.to && JSON.stringify(m.parsed.to).includes(email));

  it('sends the ticket as HTML with the QR as an inline CID image', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, {
      title: '호두까기 인형',
      ticketTypes: [{ name: 'R석', price: 70_000, quota: 10 }],
    });
    const buyer = await login(t);
    const r = await buyer.api.post<{ reservation: { id: number; ticketCode: string } }>('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 2,
    });
    expect(r.status).toBe(201);
    const [mail] = await eventually(async () =>
      mailsTo(buyer.email).length ? mailsTo(buyer.email) : undefined,
    );
    const p = mail.parsed;
    expect(p.subject).toContain('호두까기 인형');
    const html = String(p.html);
    expect(html).toContain('R석 × 2');
    expect(html).toContain('140,000원');
    const raw = mail.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/related/i);
    expect(raw).not.toMatch(/src=(3D)?"data:image/);
    const img = p.attachments.find((a) => a.contentType === 'image/png');
    expect(img?.cid).toBeTruthy();
    expect(img?.contentDisposition).toBe('inline');
    expect(raw).toContain(`cid:${img!.cid}`);
    // The QR decodes to the signed ticket code.
    expect(decodeQr(img!.content)).toBe(r.body.data!.reservation.ticketCode);
  });

  it('keeps reserving while RabbitMQ is down and mails once it is back', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'S석', price: 40_000, quota: 10 }] });
    const buyer = await login(t);
    proxy.down();
    await eventually(async () => !t.y.ctx.broker.connected());
    const r = await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    expect(r.status).toBe(201);
    const health = await buyer.api.get<{ broker: { state: string } }>('/health');
    expect(health.body.data!.broker.state).toBe('disconnected');
    await new Promise((res) => setTimeout(res, 1500));
    expect(mailsTo(buyer.email)).toHaveLength(0);
    proxy.up();
    await eventually(async () => mailsTo(buyer.email).length === 1, 30_000);
  });

  it('retries while SMTP refuses, acking only after SMTP accepted', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'A석', price: 20_000, quota: 10 }] });
    const buyer = await login(t);
    smtp.setRefuse(true);
    await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    await new Promise((res) => setTimeout(res, 800));
    expect(mailsTo(buyer.email)).toHaveLength(0);
    smtp.setRefuse(false);
    await eventually(async () => mailsTo(buyer.email).length === 1, 30_000);
  });

  it('mails each ticket once even when the event is delivered twice', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'B석', price: 10_000, quota: 10 }] });
    const buyer = await login(t);
    await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    await eventually(async () => mailsTo(buyer.email).length === 1);
    // Publish the very same event again, as a broker redelivery would.
    const rows = await t.y.ctx.database.raw(
      "select id, topic, payload, created_at from outbox where topic = 'tickets.reservation_confirmed' order by seq desc limit 1",
    );
    const e = rows.rows[0] as {
      id: string;
      topic: string;
      payload: Record<string, unknown>;
      created_at: Date;
    };
    await t.y.ctx.broker.publish([
      { id: e.id, topic: e.topic, payload: e.payload, createdAt: new Date(e.created_at).toISOString() },
    ]);
    await t.y.ctx.broker.publish([
      { id: e.id, topic: e.topic, payload: e.payload, createdAt: new Date(e.created_at).toISOString() },
    ]);
    await new Promise((res) => setTimeout(res, 1500));
    expect(mailsTo(buyer.email)).toHaveLength(1);
  });

  it('dead-letters a mail after repeated failures, and reserving is unaffected', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'C석', price: 10_000, quota: 10 }] });
    const buyer = await login(t);
    smtp.setRefuse(true);
    const r = await buyer.api.post('/api/reservations', {
      ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
      quantity: 1,
    });
    expect(r.status).toBe(201);
    const dead = queueNames(namespace, 'ticket-mail').dead;
    const conn = await amqp.connect(amqpUrl!);
    const ch = await conn.createChannel();
    try {
      // 3 attempts with 300 ms and 1.2 s backoff, then the dead queue.
      await eventually(async () => (await ch.checkQueue(dead)).messageCount === 1, 30_000, 200);
      const state = await t.y.ctx.database.raw(
        "select status, last_error from event_deliveries where consumer = 'ticket-mail' and status = 'dead'",
      );
      expect(state.rows.length).toBeGreaterThanOrEqual(1);
    } finally {
      smtp.setRefuse(false);
      await ch.purgeQueue(dead);
      await conn.close();
    }
    expect(mailsTo(buyer.email)).toHaveLength(0);
  });
});

describe.each(backends)('ticket mail through the in-process queue and SMTP on %s', (backend) => {
  let t: TestApp;
  let smtp: Smtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startApp(backend, { smtpUrl: smtp.url, retryBaseMs: 1000 });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it('retries with backoff until SMTP accepts, then mails once', async () => {
    const org = await login(t, 'organizer');
    const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 10 }] });
    const buyer = await login(t);
    smtp.setRefuse(true);
    expect(
      (
        await buyer.api.post('/api/reservations', {
          ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
          quantity: 1,
        })
      ).status,
    ).toBe(201);
    await new Promise((res) => setTimeout(res, 1500));
    smtp.setRefuse(false);
    const to = () => smtp.messages.filter((m) => JSON.stringify(m.parsed.to).includes(buyer.email));
    await eventually(async () => to().length === 1, 30_000, 200);
    await new Promise((res) => setTimeout(res, 1000));
    expect(to()).toHaveLength(1);
    expect(to()[0].parsed.attachments[0].cid).toBeTruthy();
  });
});

describe.skipIf(!process.env.DATABASE_URL)(
  'scale-out on PostgreSQL: serve --no-workers plus a separate worker',
  () => {
    it('mails tickets sold by an HTTP-only server from a worker process of its own', async () => {
      const smtp = await startSmtp();
      const web = await startApp('postgres', { smtpUrl: smtp.url }, { workers: false });
      // The worker shares the database (and would share the broker): no HTTP, consumers and jobs only.
      const worker = await createYeyak(
        { ...web.config, smtpUrl: smtp.url },
        { http: false, workers: true, pollingIntervalSeconds: 0.5 },
      );
      await worker.start();
      try {
        const org = await login(web, 'organizer');
        const ev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 10 }] });
        const buyer = await login(web);
        expect(
          (
            await buyer.api.post('/api/reservations', {
              ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
              quantity: 1,
            })
          ).status,
        ).toBe(201);
        await eventually(
          async () => smtp.messages.some((m) => JSON.stringify(m.parsed.to).includes(buyer.email)),
          30_000,
          200,
        );
      } finally {
        await worker.stop();
        await web.stop();
        await smtp.close();
      }
    });
  },
);
