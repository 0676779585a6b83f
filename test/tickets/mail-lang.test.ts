import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Yeyak } from '../../src/app.ts';
import { notifications } from '../../src/platform/notify/schema.ts';
import { harness } from '../harness.ts';
import { eventually } from '../helpers.ts';

/** Ticket mails and notices in the buyer's language (users.lang): Korean by default, English on request. */
describe('ticket mails in the reader language', () => {
  let y: Yeyak;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ y, stop } = await harness(['tickets']));
  });
  afterAll(() => stop?.());

  const tag = () => Math.random().toString(36).slice(2, 8);
  async function show(quota = 10) {
    const organizer = await y.auth.addUser({
      email: `org-${tag()}@test.yeyak`,
      password: 'password-123',
      role: 'organizer',
    });
    const event = await y.tickets.createEvent(organizer, {
      code: `L${tag().toUpperCase()}`,
      title: '언어 공연',
      showtimes: [
        {
          startsAt: new Date(Date.now() + 48 * 3_600_000),
          ticketTypes: [{ name: 'R석', price: 50_000, quota }],
        },
      ],
    });
    return event.showtimes[0].ticketTypes[0].id;
  }
  async function buyer(lang: 'ko' | 'en') {
    const u = await y.auth.addUser({
      email: `buyer-${tag()}@test.yeyak`,
      password: 'password-123',
      role: 'user',
    });
    if (lang === 'en') await y.ctx.database.db.execute(sql`update users set lang = 'en' where id = ${u.id}`);
    return u;
  }
  const mailTo = (email: string, subject: string) =>
    eventually(async () => {
      const list = await y.ctx.mailbox.list({ onlyTo: email });
      const m = list.find((x) => x.subject.includes(subject));
      return m ? y.ctx.mailbox.get(m.id, { onlyTo: email, partUrl: (i) => `part-${i}` }) : undefined;
    });

  it('mails the ticket and the cancellation in Korean to a Korean buyer and in English to an English one', async () => {
    const ticketTypeId = await show();
    const [ko, en] = await Promise.all([buyer('ko'), buyer('en')]);
    const [rKo, rEn] = await Promise.all([
      y.tickets.reserve(ko, { ticketTypeId, quantity: 2 }),
      y.tickets.reserve(en, { ticketTypeId, quantity: 1 }),
    ]);
    const koMail = await mailTo(ko.email, '예매 확인 · 언어 공연');
    expect(koMail?.html).toContain('합계');
    expect(koMail?.html).toContain('100,000원');
    expect(koMail?.html).not.toContain('Total');
    expect(koMail?.html).toContain('<html lang="ko">');
    const enMail = await mailTo(en.email, 'Reservation confirmed · 언어 공연');
    expect(enMail?.html).toContain('Show this code at the door.');
    expect(enMail?.html).toContain('₩50,000');
    expect(enMail?.html).not.toContain('합계');
    expect(enMail?.html).toContain('<html lang="en">');
    expect(enMail?.text).toContain(`Entry code: `);

    await y.tickets.cancel(ko, rKo.id);
    await y.tickets.cancel(en, rEn.id);
    expect((await mailTo(ko.email, '[yeyak] 예매 취소'))?.html).toContain('예매를 취소했습니다');
    expect((await mailTo(en.email, '[yeyak] Reservation cancelled'))?.html).toContain(
      'The seats went back on sale',
    );
  });

  it('tells the buyer in their language when a hold runs out unconfirmed (mail and in-app notice)', async () => {
    const ticketTypeId = await show();
    const [ko, en] = await Promise.all([buyer('ko'), buyer('en')]);
    const hKo = await y.tickets.hold(ko, { ticketTypeId, quantity: 1 });
    const hEn = await y.tickets.hold(en, { ticketTypeId, quantity: 3 });
    // Both holds ran out a minute ago; the sweep ends them as the expiry job would.
    await y.ctx.database.db.execute(
      sql`update ticket_holds set expires_at = now() - interval '1 minute' where id in (${hKo.id}, ${hEn.id})`,
    );
    expect(await y.tickets.expireHold(hKo.id)).toBe(true);
    expect(await y.tickets.expireHold(hEn.id)).toBe(true);

    const koMail = await mailTo(ko.email, '좌석 확보 시간이 지났습니다 · 언어 공연');
    expect(koMail?.html).toContain('R석 × 1 좌석을');
    const enMail = await mailTo(en.email, 'Your held seats were released · 언어 공연');
    expect(enMail?.html).toContain('You did not confirm R석 × 3 by');

    const notice = (userId: string) =>
      eventually(async () => {
        const [n] = await y.ctx.database.db
          .select()
          .from(notifications)
          .where(eq(notifications.userId, userId));
        return n;
      });
    expect(await notice(ko.id)).toMatchObject({
      kind: 'tickets.hold_expired',
      title: '[yeyak] 좌석 확보 시간이 지났습니다 · 언어 공연',
      link: expect.stringMatching(/^\/events\/L/),
    });
    expect((await notice(en.id)).body).toContain('the seats went back on sale');
  });
});
