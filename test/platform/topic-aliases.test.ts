import { randomBytes, randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  amqpUrl,
  createEvent,
  deleteAmqpNamespace,
  eventually,
  login,
  startApp,
  startSmtp,
  type TestApp,
} from '../helpers.ts';

/**
 * Topics now carry their module's prefix (`tickets.reservation_confirmed`); the old names
 * (`reservation.confirmed`) keep working for one release, both ways.
 */
describe('renamed topics', () => {
  it('an event written under its old name (before the upgrade) is still delivered: the ticket is mailed', async () => {
    const t = await startApp('pglite');
    try {
      const org = await login(t, 'organizer');
      const ev = await createEvent(org.api);
      const buyer = await login(t);
      const r = await buyer.api.post<{ reservation: { id: number } }>('/api/reservations', {
        ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
        quantity: 1,
      });
      expect(r.status).toBe(201);
      const mails = async () =>
        (
          await t.y.ctx.database.raw('select count(*)::int as n from mailbox_messages where $1 = any("to")', [
            buyer.email,
          ])
        ).rows[0].n;
      await eventually(async () => (await mails()) === 1);
      // The same reservation's event, as an outbox row an older yeyak wrote and never published.
      const [{ payload }] = (
        await t.y.ctx.database.raw(
          "select payload from outbox where topic = 'tickets.reservation_confirmed' order by seq desc limit 1",
        )
      ).rows;
      await t.y.ctx.database.raw(
        "insert into outbox (id, topic, payload) values ($1, 'reservation.confirmed', $2)",
        [randomUUID(), JSON.stringify(payload)],
      );
      t.y.ctx.relay.nudge();
      await eventually(async () => (await mails()) === 2, 20_000);
    } finally {
      await t.stop();
    }
  });

  describe.skipIf(!amqpUrl)('through RabbitMQ', () => {
    const namespace = `yeyak-test-${randomBytes(4).toString('hex')}`;
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    beforeAll(async () => {
      smtp = await startSmtp();
      t = await startApp('pglite', { amqpUrl, amqpNamespace: namespace, smtpUrl: smtp.url });
    });
    afterAll(async () => {
      await t?.stop();
      await deleteAmqpNamespace(amqpUrl!, namespace, t?.y.consumers.map((c) => c.name) ?? []);
      await smtp?.close();
    });

    it('publishes each event under its old name too, for outside subscribers; ours get it once', async () => {
      const conn = await amqp.connect(amqpUrl!);
      const ch = await conn.createChannel();
      try {
        // An outside subscriber that bound the old name before the rename.
        const { queue } = await ch.assertQueue('', { exclusive: true });
        await ch.bindQueue(queue, `${namespace}.events`, 'reservation.confirmed');
        const seen: { type?: string; topic: string }[] = [];
        await ch.consume(queue, (m) => {
          if (m) seen.push({ type: m.properties.type, topic: JSON.parse(m.content.toString()).topic });
        });
        const org = await login(t, 'organizer');
        const ev = await createEvent(org.api);
        const buyer = await login(t);
        await buyer.api.post('/api/reservations', {
          ticketTypeId: ev.showtimes[0].ticketTypes[0].id,
          quantity: 1,
        });
        await eventually(async () => seen.length === 1);
        expect(seen[0]).toEqual({ type: 'reservation.confirmed', topic: 'reservation.confirmed' });
        const mailsTo = () => smtp.messages.filter((m) => JSON.stringify(m.parsed.to).includes(buyer.email));
        await eventually(async () => mailsTo().length === 1);
        await new Promise((r) => setTimeout(r, 1000));
        expect(mailsTo()).toHaveLength(1);
        expect(seen).toHaveLength(1);
      } finally {
        await conn.close();
      }
    });
  });
});
