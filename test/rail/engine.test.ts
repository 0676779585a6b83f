/**
 * The rail module end to end: yeyak (PGlite, and PostgreSQL when DATABASE_URL is set) against the
 * stand-in operator and the notification stand-in, over loopback, with short poll intervals.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { railAccounts, railWatches } from '../../src/modules/rail/schema.ts';
import type {
  RailReservationView as ReservationView,
  TrainView,
  WatchView,
} from '../../src/modules/rail/service.ts';
import { mailboxMessages } from '../../src/platform/schema.ts';
import { backends, eventually, login } from '../helpers.ts';
import {
  getWatch,
  patch,
  type RailTestEnv,
  railApp,
  railUser,
  SRT_MEMBER,
  soldOutTrains,
  watchTrain,
} from './app.ts';
import { dayAhead, MEMBER, provider } from './setup.ts';

const SEARCH = '/ara/selectListAra10007_n.do';

describe.each(backends)('rail watches on %s', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof railUser>>;
  let date: string;
  let trains: TrainView[];

  beforeAll(async () => {
    env = await railApp(backend);
    user = await railUser(env);
    date = dayAhead(env.s, 5);
    const res = await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      time: '06:00',
    });
    expect(res.status).toBe(200);
    trains = res.body.data?.trains ?? [];
    expect(trains.length).toBeGreaterThan(20);
    soldOutTrain = soldOutTrains(env.s, date, trains);
  });
  afterAll(() => env.stop());

  /** A train (by index from the end, so tests do not share one) made sold out in both classes. */
  let soldOutTrain: () => TrainView;
  const sims = (trainNo: string) =>
    [...env.s.world.reservations.values()].filter(
      (r) => r.runDt === date && String(r.train.trainNo) === trainNo && r.status !== 'cancelled',
    );

  it('saves accounts sealed: checked with the operator, never returned, wrong credentials named', async () => {
    const u = await login(env.t);
    const bad = await u.api.put('/api/rail/accounts/srt', { id: SRT_MEMBER.id, password: 'wrong' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.password');
    // Named by a code the web renders in the reader's language.
    expect(bad.body).toMatchObject({ key: 'rail.wrong_credentials', params: { operator: 'SRT' } });
    const good = await u.api.put<{ account: Record<string, unknown> }>('/api/rail/accounts/srt', SRT_MEMBER);
    expect(good.status).toBe(200);
    expect(JSON.stringify(good.body)).not.toContain(SRT_MEMBER.password);
    expect(good.body.data?.account.loginHint).toMatch(/\*/);
    const list = await u.api.get('/api/rail/accounts');
    expect(JSON.stringify(list.body)).not.toContain(SRT_MEMBER.password);
    const [row] = await env.t.y.ctx.database.db.select().from(railAccounts).limit(1);
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(SRT_MEMBER.password);
    expect(JSON.parse(env.t.y.rail.sealer.open(row.secret, `account:${row.userId}:srt`)).password).toBe(
      SRT_MEMBER.password,
    );
  });

  it('searches with availability per class and refuses bad input with the field named', async () => {
    const t = trains[0];
    expect(t).toMatchObject({ provider: 'srt', from: '수서', to: '부산', date });
    expect(['available', 'sold-out', 'absent']).toContain(t.general);
    const ask = (body: Record<string, unknown>) =>
      user.api.post('/api/rail/search', { provider: 'srt', from: '수서', to: '부산', date, ...body });
    const unknown = await ask({ to: '부선' });
    expect(unknown.status).toBe(400);
    expect((unknown.body.data as { suggestions: string[] }).suggestions).toContain('부산');
    expect(unknown.body.description).toContain('body.to');
    const past = await ask({ date: '20200101' });
    expect(past.status).toBe(400);
    expect(past.body.description).toContain('body.date');
    expect(past.body).toMatchObject({ key: 'rail.date_past', params: { date: '20200101' } });
    // Every bad field at once: a past date and an unknown station in one answer.
    const both = await ask({ date: '20200101', from: '서울' });
    expect(both.status).toBe(400);
    const errors = (both.body.data as { errors: { path: string; key: string }[] }).errors;
    expect(errors.map((e) => [e.path, e.key])).toEqual([
      ['body.date', 'rail.date_past'],
      ['body.from', expect.stringMatching(/^rail\.no_station/)],
    ]);
    const far = await ask({ date: dayAhead(env.s, 60) });
    expect(far.status).toBe(400);
    expect(far.body.description).toMatch(/30 days/);
    const none = await ask({ passengers: { adult: 0 } });
    expect(none.status).toBe(400);
    expect(none.body.description).toContain('body.passengers');
    const many = await ask({ passengers: { adult: 5, senior: 5 } });
    expect(many.status).toBe(400);
    expect(many.body.description).toMatch(/at most 9/);
    const badDate = await ask({ date: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect(JSON.stringify(badDate.body)).toContain('body.date');
  });

  it('refuses watches that cannot work before scheduling anything', async () => {
    const base = { provider: 'srt', from: '수서', to: '부산', date, passengers: { adult: 1 } };
    const empty = await user.api.post('/api/rail/watches', { ...base, timeFrom: '18:00', timeTo: '17:00' });
    expect(empty.status).toBe(400);
    expect(empty.body.description).toMatch(/body\.timeTo.*empty/);
    const noTrain = await user.api.post('/api/rail/watches', { ...base, trainNo: '9999' });
    expect(noTrain.status).toBe(400);
    expect(noTrain.body.description).toContain('body.trainNo');
    const gone = await user.api.post('/api/rail/watches', {
      ...base,
      date: env.s.today(),
      timeFrom: '00:00',
      timeTo: '00:01',
    });
    expect(gone.status).toBe(400);
    expect(gone.body.description).toMatch(/already left/);
    const station = await user.api.post('/api/rail/watches', { ...base, from: '수소' });
    expect(station.status).toBe(400);
    expect((station.body.data as { suggestions: string[] }).suggestions).toContain('수서');
    const zero = await user.api.post('/api/rail/watches', { ...base, passengers: {} });
    expect(zero.status).toBe(400);
    const noAccount = await (await login(env.t)).api.post('/api/rail/watches', {
      ...base,
      timeFrom: '18:00',
    });
    expect(noAccount.status).toBe(400);
    expect(noAccount.body.description).toMatch(/body\.provider.*account/);
    const unknownField = await user.api.post('/api/rail/watches', { ...base, colour: 'red' });
    expect(unknownField.status).toBe(400);
    // A train that already left today (when the sim has one).
    const today = await user.api.post<{ trains: TrainView[] }>('/api/rail/search', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date: env.s.today(),
    });
    const left = today.body.data?.trains.find((x) => x.departed);
    if (left) {
      const r = await user.api.post('/api/rail/watches', {
        ...base,
        date: env.s.today(),
        trainNo: left.trainNo,
      });
      expect(r.status).toBe(400);
      expect(r.body.description).toMatch(/body\.trainNo.*already left/);
    }
    const mine = await user.api.get<{ watches: WatchView[] }>('/api/rail/watches');
    expect(mine.body.data?.watches).toHaveLength(0);
  });

  it('grabs a seat freed on a sold-out train, once, and notifies by mail and webhooks', async () => {
    await user.api.put('/api/rail/notifications', {
      email: true,
      discordWebhook: `${env.n.url}/discord/123/abc`,
      slackWebhook: `${env.n.url}/slack/T0/B0/xyz`,
      telegramChatId: '424242',
    });
    const t = soldOutTrain();
    const created = await watchTrain(user.api, {
      date,
      trainNo: t.trainNo,
      notify: ['email', 'discord', 'slack', 'telegram'],
    });
    expect(created.status).toBe(201);
    const id = created.body.data?.watch.id as string;
    // It keeps trying while sold out.
    const trying = await eventually(async () => {
      const w = await getWatch(user.api, id);
      return w.status === 'trying' && w.attempts >= 2 ? w : undefined;
    });
    expect(trying.lastResult).toMatch(/sold out/);
    expect(trying.lastPollAt).not.toBeNull();
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const done = await eventually(async () => {
      const w = await getWatch(user.api, id);
      return w.status === 'reserved' ? w : undefined;
    });
    const r = done.reservation as ReservationView;
    expect(r.trainNo).toBe(t.trainNo);
    expect(r.seatCount).toBe(1);
    expect(r.paymentDeadline).not.toBeNull();
    expect(sims(t.trainNo)).toHaveLength(1);
    expect(sims(t.trainNo)[0].pnr).toBe(r.pnr);
    // Notifications on every channel, with the reservation number and the deadline.
    await eventually(
      async () => env.n.messages.filter((m) => JSON.stringify(m.body).includes(r.pnr)).length === 3,
    );
    const services = env.n.messages
      .filter((m) => JSON.stringify(m.body).includes(r.pnr))
      .map((m) => m.service);
    expect(services.sort()).toEqual(['discord', 'slack', 'telegram']);
    expect(env.n.messages.find((m) => m.service === 'telegram')?.path).toBe(
      '/telegram/bottest-bot-token-1234/sendMessage',
    );
    const mail = await eventually(async () => {
      const rows = await env.t.y.ctx.database.db.select().from(mailboxMessages);
      return rows.find((m) => m.to.includes(user.email) && /좌석 확보/.test(m.subject));
    });
    expect(mail.subject).toMatch(/좌석 확보|seat reserved/);
    // And in the app, whatever channels the watch names, linking to the reservations page.
    const inApp = await eventually(async () => {
      const res = await user.api.get<{ notifications: { title: string; body: string; link: string }[] }>(
        '/api/notifications',
      );
      return res.body.data?.notifications.find((n) => n.body.includes(r.pnr));
    });
    // In the traveller's language (Korean unless they chose English).
    expect(inApp.title).toMatch(/좌석 확보$/);
    expect(inApp.body).toMatch(/결제 기한: \d{4}-\d{2}-\d{2} \d{2}:\d{2} KST/);
    expect(inApp.body).not.toMatch(/pay by/i);
    expect(inApp.link).toBe('/rail/reservations');
    // Stays at one hold: more seats later do not make a second one.
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 2);
    await new Promise((res) => setTimeout(res, 800));
    expect(sims(t.trainNo)).toHaveLength(1);
    const mine = await user.api.get<{ reservations: ReservationView[] }>('/api/rail/reservations');
    expect(mine.body.data?.reservations.filter((x) => x.watchId === id)).toHaveLength(1);
  });

  it('never makes two holds for one watch: concurrent workers and a crash between hold and commit', async () => {
    const t = soldOutTrain();
    const created = await watchTrain(user.api, { date, trainNo: t.trainNo, notify: [] });
    const id = created.body.data?.watch.id as string;
    const db = env.t.y.ctx.database.db;
    // A worker "is reserving" (fresh claim): the engine leaves the watch alone meanwhile.
    await db
      .update(railWatches)
      .set({ reservingSince: new Date(), reservingTrain: t.trainNo })
      .where(eq(railWatches.id, id));
    // That worker gets the seat at the operator, then crashes before recording it.
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    const p = provider(env.s, 'srt');
    await p.login(MEMBER);
    const train = (await p.search({ from: '수서', to: '부산', date, time: t.departure })).find(
      (x) => x.trainNo === t.trainNo,
    );
    const theirs = await p.reserve(train as NonNullable<typeof train>, { passengers: { adult: 1 } });
    // More seats come free; a naive retry would now hold a second one.
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 3);
    await new Promise((res) => setTimeout(res, 600));
    expect(sims(t.trainNo)).toHaveLength(1);
    // The claim goes stale (the crashed worker never comes back): the engine adopts the hold.
    await db
      .update(railWatches)
      .set({ reservingSince: new Date(Date.now() - 5 * 60_000) })
      .where(eq(railWatches.id, id));
    const done = await eventually(async () => {
      const w = await getWatch(user.api, id);
      return w.status === 'reserved' ? w : undefined;
    });
    expect(done.reservation?.pnr).toBe(theirs.id);
    await new Promise((res) => setTimeout(res, 600));
    expect(sims(t.trainNo)).toHaveLength(1);

    // Two workers racing on one watch: one claim wins, the other does nothing.
    const t2 = soldOutTrain();
    const c2 = await watchTrain(user.api, { date, trainNo: t2.trainNo, notify: [] });
    const row = await env.t.y.rail.watchRow(c2.body.data?.watch.id as string);
    env.s.releaseSeats('srt', date, Number(t2.trainNo), 'general', 4);
    const fresh = (await p.search({ from: '수서', to: '부산', date, time: t2.departure })).find(
      (x) => x.trainNo === t2.trainNo,
    ) as NonNullable<typeof train>;
    const results = await Promise.all([
      env.t.y.rail.hold(row, fresh, false),
      env.t.y.rail.hold(row, fresh, false),
      env.t.y.rail.hold(row, fresh, false),
    ]);
    await eventually(async () => (await getWatch(user.api, row.id)).status === 'reserved');
    expect(results.filter((r) => r === 'reserved').length).toBeLessThanOrEqual(1);
    await new Promise((res) => setTimeout(res, 600));
    expect(sims(t2.trainNo)).toHaveLength(1);
  });

  it('shares one poll among watches on the same search, and gives a freed seat to the oldest first', async () => {
    const t = soldOutTrain();
    const others = [soldOutTrain(), soldOutTrain()];
    const users = [user, await railUser(env, { id: '2345678901', password: 'sim-password-2' }), user];
    const ids: string[] = [];
    for (const u of users) {
      const r = await watchTrain(u.api, { date, trainNo: t.trainNo, notify: [] });
      expect(r.status).toBe(201);
      ids.push(r.body.data?.watch.id as string);
    }
    for (const o of others) {
      const r = await watchTrain(user.api, { date, trainNo: o.trainNo, notify: [] });
      expect(r.status).toBe(201);
    }
    // Let the watches settle into polling, then count searches at the operator for a while.
    await new Promise((res) => setTimeout(res, 600));
    const before = env.s.counts().byPath[SEARCH] ?? 0;
    const attemptsBefore = await Promise.all(
      ids.map(async (id) => (await getWatch(user.api, id))?.attempts ?? 0),
    );
    const started = Date.now();
    await new Promise((res) => setTimeout(res, 2_500));
    const elapsed = Date.now() - started;
    const searches = (env.s.counts().byPath[SEARCH] ?? 0) - before;
    // One search (of a few pages) per interval for all five watches on this route and date;
    // separate polls would cost five times as many.
    const pages = Math.ceil(trains.filter((x) => x.departure >= t.departure).length / 10) || 1;
    const intervals = elapsed / 250;
    expect(searches).toBeGreaterThan(0);
    expect(searches).toBeLessThanOrEqual(Math.ceil(intervals + 2) * Math.max(pages, 3));
    const first = await getWatch(user.api, ids[0]);
    const polls = first.attempts - attemptsBefore[0];
    expect(polls).toBeGreaterThan(1);
    // Every watch was tried on each poll, but the operator saw one search per poll, not five.
    for (const [i, id] of ids.entries())
      expect((await getWatch(users[i].api, id)).attempts - attemptsBefore[i]).toBeGreaterThanOrEqual(
        polls - 1,
      );
    expect(searches).toBeLessThanOrEqual((polls + 1) * pages);
    console.log(
      `shared poll: 5 watches, ${polls} polls, ${searches} search requests (${pages} page(s) each)`,
    );
    // One seat comes back: the oldest watch gets it, the others keep trying.
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 1);
    await eventually(async () => (await getWatch(user.api, ids[0])).status === 'reserved');
    expect((await getWatch(users[1].api, ids[1])).status).toBe('trying');
    expect((await getWatch(user.api, ids[2])).status).toBe('trying');
    expect(sims(t.trainNo)).toHaveLength(1);
  });

  it('stops and edits a watch at any time', async () => {
    const t = soldOutTrain();
    const created = await user.api.post<{ watch: WatchView }>('/api/rail/watches', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      timeFrom: '05:00',
      timeTo: '06:00',
      passengers: { adult: 1 },
      notify: [],
    });
    expect(created.status).toBe(201);
    const id = created.body.data?.watch.id as string;
    const edited = await patch<{ watch: WatchView }>(env, user.token, `/api/rail/watches/${id}`, {
      trainNo: t.trainNo,
      passengers: { adult: 2 },
      selection: 'latest',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data?.watch).toMatchObject({
      trainNo: t.trainNo,
      passengers: { adult: 2 },
      selection: 'latest',
    });
    const bad = await patch(env, user.token, `/api/rail/watches/${id}`, {
      timeFrom: '20:00',
      timeTo: '19:00',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain('body.timeTo');
    const stopped = await user.api.post<{ watch: WatchView }>(`/api/rail/watches/${id}/stop`);
    expect(stopped.body.data?.watch.status).toBe('stopped');
    const attempts = (await getWatch(user.api, id)).attempts;
    env.s.releaseSeats('srt', date, Number(t.trainNo), 'general', 2);
    await new Promise((res) => setTimeout(res, 800));
    const after = await getWatch(user.api, id);
    expect(after.status).toBe('stopped');
    expect(after.attempts).toBe(attempts);
    expect(sims(t.trainNo)).toHaveLength(0);
    const again = await patch(env, user.token, `/api/rail/watches/${id}`, { selection: 'random' });
    expect(again.status).toBe(409);
    expect((await user.api.del(`/api/rail/watches/${id}`)).status).toBe(200);
    expect((await user.api.get(`/api/rail/watches/${id}`)).status).toBe(404);
  });

  it('reserves directly and cancels at the operator', async () => {
    const t = trains.find((x) => x.general === 'available' && !x.departed) as TrainView;
    const r = await user.api.post<{ reservation: ReservationView }>('/api/rail/reserve', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      trainNo: t.trainNo,
      passengers: { adult: 1, child: 1 },
      seatPolicy: 'general-only',
    });
    expect(r.status).toBe(201);
    const res = r.body.data?.reservation as ReservationView;
    expect(res.seatCount).toBe(2);
    expect(res.paymentDeadline).not.toBeNull();
    const sold = soldOutTrain();
    const refused = await user.api.post('/api/rail/reserve', {
      provider: 'srt',
      from: '수서',
      to: '부산',
      date,
      trainNo: sold.trainNo,
      passengers: { adult: 1 },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.description).toMatch(/sold out.*watch/);
    const cancelled = await user.api.del<{ reservation: ReservationView }>(
      `/api/rail/reservations/${res.id}`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data?.reservation.status).toBe('cancelled');
    expect(env.s.world.reservations.get(res.pnr)?.status).toBe('cancelled');
    expect((await user.api.del(`/api/rail/reservations/${res.id}`)).status).toBe(409);
    // The traveller gets a receipt: a mail naming the train once ("SRT 3xx", not "SRT SRT 3xx").
    const mail = await eventually(async () => {
      const rows = await env.t.y.ctx.database.db.select().from(mailboxMessages);
      return rows.find((m) => m.to.includes(user.email) && /예약 취소/.test(m.subject));
    });
    expect(mail.subject).toBe(`[yeyak] SRT ${t.trainNo} 예약 취소`);
    const read = await env.t.y.ctx.mailbox.get(mail.id, { partUrl: (i) => `part-${i}` });
    expect(read.html).toContain('예약을 취소했습니다');
    expect(read.html).not.toContain('Reservation cancelled');
    expect(read.html).toContain(res.pnr);
  });

  it('stops on an operator block and tells the user why, in their language', async () => {
    const u = await railUser(env);
    expect((await u.api.patch('/api/auth/profile', { lang: 'en' })).status).toBe(200);
    await u.api.put('/api/rail/notifications', { discordWebhook: `${env.n.url}/discord/9/blocked` });
    const t = soldOutTrain();
    const created = await watchTrain(u.api, { date, trainNo: t.trainNo, notify: ['email', 'discord'] });
    const id = created.body.data?.watch.id as string;
    env.s.setBlockThreshold(0);
    try {
      const failed = await eventually(async () => {
        const w = await getWatch(u.api, id);
        return w.status === 'failed' ? w : undefined;
      });
      expect(failed.failReason).toMatch(/blocked/i);
      await eventually(async () =>
        env.n.messages.some(
          (m) => m.path === '/discord/9/blocked' && JSON.stringify(m.body).includes('SRT watch stopped'),
        ),
      );
      // An English reader gets the mail in English: the coded reason, none of the Korean words.
      const mail = await eventually(async () => {
        const rows = await env.t.y.ctx.database.db.select().from(mailboxMessages);
        return rows.find((m) => m.to.includes(u.email) && /watch stopped/.test(m.subject));
      });
      expect(mail.subject).toBe('[yeyak] SRT watch stopped');
      const read = await env.t.y.ctx.mailbox.get(mail.id, { partUrl: (i) => `part-${i}` });
      expect(read.html).toContain('Every SRT watch stopped');
      expect(read.html).toContain('<html lang="en">');
      expect(read.html).not.toContain('감시');
    } finally {
      env.s.unblock();
      env.s.setBlockThreshold(100_000);
    }
  });
});
