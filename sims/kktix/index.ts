import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for KKTIX's organiser endpoints as PyCon TW's open-source pipeline uses them: bearer token, `GET /hosting_events`, attendance books with `signin_status` id tuples, one
 * attendee record per GET, refunds that vanish from the book, unpaid records, several tickets per
 * order. Data is generated from a seed, so every run sees the same attendees.
 */

export type SimAttendee = {
  id: number;
  ticket_id: number;
  ticket_name: string;
  reg_no: number;
  state: 'activated' | 'cancelled';
  checkin_code: string;
  qrcode: string;
  is_paid: boolean;
  price: number;
  currency: 'TWD';
  payment_method: string;
  data: [string, string][];
  kyc: Record<string, never>;
  slot: Record<string, never>;
  id_number: null;
  updated_at: number;
  ticket_type: 'qrcode';
  order_no: number;
  search_string: string;
};

export type KktixSimEventSpec = {
  id: number;
  name: string;
  /** paid attendees generated at start, default 20 */
  attendees?: number;
  /** unpaid (e.g. ATM pending) attendees generated at start, default 0 */
  unpaid?: number;
};

export type KktixSimOptions = {
  token?: string;
  /** path prefix of the API, default `/api/v2` (KKTIX keeps the real one private) */
  basePath?: string;
  events?: KktixSimEventSpec[];
  seed?: number;
  /** clock in ms, default Date.now */
  now?: () => number;
  /** answer 429 after `limit` requests per `windowMs` */
  rateLimit?: { limit: number; windowMs: number; retryAfterSeconds?: number };
  host?: string;
  port?: number;
};

type SimEvent = {
  id: number;
  name: string;
  bookId: number;
  nextRegNo: number;
  /** every record ever made, refunded ones included */
  records: Map<number, SimAttendee>;
  /** ids in the attendance book, in order */
  book: number[];
};

type PendingOrder = { eventId: number; orderNo: number; state: 'activated' | 'cancelled'; paid: boolean };

const TICKETS = [
  { id: 449116, name: 'Regular 一般票', price: 2600 },
  { id: 449117, name: 'Early Bird 早鳥票', price: 1900 },
  { id: 449118, name: 'Student 學生票', price: 800 },
  { id: 449119, name: 'Corporate 企業票', price: 5200 },
];
const ZH_SURNAMES = ['王', '李', '張', '劉', '陳', '楊', '黃', '吳', '林', '周', '歐陽'];
const ZH_GIVEN = ['小明', '美玲', '志豪', '怡君', '家豪', '雅婷', '俊傑', '淑芬', '明'];
const KO_SURNAMES = ['김', '이', '박', '최', '정', '강'];
const KO_GIVEN = ['예약', '민준', '서연', '지훈', '하은', '도윤'];
const EN_FIRST = ['John', 'Alice', 'Maria', 'David', 'Yuki', 'Ana'];
const EN_LAST = ['Smith', 'Garcia', 'Müller', "O'Neil", 'Nguyen', 'Tanaka'];
const COMPANIES = ['', 'Acme 股份有限公司', 'Example Labs', '예약 주식회사', 'Freelance'];
const SIZES = ['S', 'M', 'L', 'XL'];

/** mulberry32: a small seeded PRNG, good enough for test data. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startKktixSim(options: KktixSimOptions = {}) {
  const token = { value: options.token ?? 'kktix-sim-token' };
  const basePath = (options.basePath ?? '/api/v2').replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const rand = prng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const hex = (n: number) =>
    Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
  let rateLimit = options.rateLimit;
  let windowStart = now();
  let windowCount = 0;

  let nextAttendeeId = 84_748_000;
  let nextOrderNo = 127_666_000;
  const events = new Map<number, SimEvent>();
  const pending: PendingOrder[] = [];
  const log: { method: string; path: string; status: number }[] = [];

  function person(id: number) {
    const kind = rand();
    let name: string;
    if (kind < 0.45) name = pick(ZH_SURNAMES) + pick(ZH_GIVEN);
    else if (kind < 0.7) name = pick(KO_SURNAMES) + pick(KO_GIVEN);
    else name = `${pick(EN_FIRST)} ${pick(EN_LAST)}`;
    const email = `guest${id}@example.com`;
    const digits = String(Math.floor(rand() * 1e8)).padStart(8, '0');
    const phone = `09${digits.slice(0, 2)}-${digits.slice(2, 5)}-${digits.slice(5)}`;
    return { name, email, phone };
  }

  function makeAttendee(ev: SimEvent, orderNo: number, paid: boolean): SimAttendee {
    const id = nextAttendeeId++;
    const ticket = pick(TICKETS);
    const p = person(id);
    const nickname = p.name.split(' ')[0];
    const data: [string, string][] = [
      ['暱稱 / Nickname', nickname],
      ['公司 / Company', pick(COMPANIES)],
      ['T-shirt 尺寸 / Size', pick(SIZES)],
      ['聯絡人 姓名', p.name],
      ['聯絡人 Email', p.email],
      ['聯絡人 手機', p.phone],
    ];
    return {
      id,
      ticket_id: ticket.id,
      ticket_name: ticket.name,
      reg_no: ev.nextRegNo++,
      state: 'activated',
      checkin_code: hex(4).toUpperCase(),
      qrcode: hex(32),
      is_paid: paid,
      price: ticket.price,
      currency: 'TWD',
      payment_method: paid ? pick(['WEBSITE', 'WEBSITE', 'ATM', 'FAMIPORT']) : 'ATM',
      data,
      kyc: {},
      slot: {},
      id_number: null,
      updated_at: now() / 1000,
      ticket_type: 'qrcode',
      order_no: orderNo,
      search_string: `${p.name} ${p.email} ${p.phone} ${nickname}`,
    };
  }

  /** n tickets in orders of 1–3 tickets each. */
  function addTickets(ev: SimEvent, n: number, paid: boolean, track: boolean): SimAttendee[] {
    const made: SimAttendee[] = [];
    while (made.length < n) {
      const orderNo = nextOrderNo++;
      const size = Math.min(n - made.length, 1 + Math.floor(rand() * 3));
      for (let i = 0; i < size; i++) {
        const a = makeAttendee(ev, orderNo, paid);
        ev.records.set(a.id, a);
        ev.book.push(a.id);
        made.push(a);
      }
      if (track) pending.push({ eventId: ev.id, orderNo, state: 'activated', paid });
    }
    return made;
  }

  for (const spec of options.events ?? [
    { id: 1001, name: 'PyCon TW 2025 Registration: Individual', attendees: 20 },
  ]) {
    const ev: SimEvent = {
      id: spec.id,
      name: spec.name,
      bookId: spec.id * 10 + 1,
      nextRegNo: 1,
      records: new Map(),
      book: [],
    };
    events.set(ev.id, ev);
    addTickets(ev, spec.attendees ?? 20, true, false);
    addTickets(ev, spec.unpaid ?? 0, false, false);
  }

  const eventOf = (id: number) => {
    const ev = events.get(id);
    if (!ev) throw new Error(`kktix sim: no event ${id}`);
    return ev;
  };
  const copy = (a: SimAttendee): SimAttendee => structuredClone(a);

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sim');
    const done = (status: number, body: unknown, headers?: Record<string, string>) => {
      log.push({ method: req.method ?? '', path: url.pathname + url.search, status });
      send(res, status, body, headers);
    };
    if (rateLimit) {
      if (now() - windowStart >= rateLimit.windowMs) {
        windowStart = now();
        windowCount = 0;
      }
      if (++windowCount > rateLimit.limit)
        return done(
          429,
          { message: 'Too Many Requests' },
          { 'retry-after': String(rateLimit.retryAfterSeconds ?? 60) },
        );
    }
    const auth = req.headers.authorization ?? '';
    const m = /^bearer\s+(.+)$/i.exec(auth);
    if (!m || m[1] !== token.value) return done(401, { message: 'Unauthorized' });
    if (req.method !== 'GET') return done(405, { message: 'Method Not Allowed' });
    if (!url.pathname.startsWith(`${basePath}/`)) return done(404, { message: 'Not Found' });
    const parts = url.pathname.slice(basePath.length + 1).split('/');
    if (parts[0] !== 'hosting_events') return done(404, { message: 'Not Found' });
    if (parts.length === 1) {
      const data = [...events.values()].map((e) => ({ id: e.id, name: e.name }));
      return done(200, { data });
    }
    const ev = events.get(Number(parts[1]));
    if (!ev || !/^\d+$/.test(parts[1])) return done(404, { message: 'Event Not Found' });
    if (parts[2] === 'attendance_books' && parts.length === 3)
      return done(200, [{ id: ev.bookId, name: '預設簽到簿' }]);
    if (parts[2] === 'attendance_books' && parts.length === 4) {
      if (Number(parts[3]) !== ev.bookId) return done(404, { message: 'Attendance Book Not Found' });
      return done(200, {
        id: ev.bookId,
        name: '預設簽到簿',
        signin_status: ev.book.map((id) => [id, false]),
      });
    }
    if (parts[2] === 'attendees' && parts.length === 4) {
      const a = ev.records.get(Number(parts[3]));
      if (!a) return done(404, { message: 'Attendee Not Found' });
      return done(200, a);
    }
    return done(404, { message: 'Not Found' });
  }

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    /** base URL for the client, path prefix included */
    url: origin + basePath,
    origin,
    token: () => token.value,
    setToken(t: string) {
      token.value = t;
    },
    setRateLimit(limit: KktixSimOptions['rateLimit']) {
      rateLimit = limit;
      windowStart = now();
      windowCount = 0;
    },
    /** requests served, in order */
    requests: log,
    resetRequests() {
      log.length = 0;
    },
    /** new paid tickets (in orders of 1–3) */
    addPaid(eventId: number, n: number) {
      return addTickets(eventOf(eventId), n, true, true).map(copy);
    },
    /** new unpaid tickets (ATM pending) */
    addUnpaid(eventId: number, n: number) {
      return addTickets(eventOf(eventId), n, false, true).map(copy);
    },
    /** marks tickets paid now */
    pay(eventId: number, ids: number[]) {
      const ev = eventOf(eventId);
      const orders = new Set<number>();
      for (const id of ids) {
        const a = ev.records.get(id);
        if (!a) continue;
        a.is_paid = true;
        a.payment_method = 'ATM';
        a.updated_at = now() / 1000;
        orders.add(a.order_no);
      }
      for (const orderNo of orders) pending.push({ eventId, orderNo, state: 'activated', paid: true });
    },
    /**
     * Refunds tickets: they leave the attendance book and their record turns `cancelled`. Give ids,
     * or a count to refund that many active tickets picked by the seeded generator.
     */
    refund(eventId: number, which: number[] | number) {
      const ev = eventOf(eventId);
      let ids: number[];
      if (Array.isArray(which)) ids = which;
      else {
        const active = ev.book.filter((id) => ev.records.get(id)?.is_paid);
        ids = [];
        for (let i = 0; i < which && active.length > 0; i++)
          ids.push(active.splice(Math.floor(rand() * active.length), 1)[0]);
      }
      const gone = new Set(ids);
      ev.book = ev.book.filter((id) => !gone.has(id));
      const out: SimAttendee[] = [];
      const orders = new Set<number>();
      for (const id of ids) {
        const a = ev.records.get(id);
        if (!a) continue;
        a.state = 'cancelled';
        a.updated_at = now() / 1000;
        orders.add(a.order_no);
        out.push(copy(a));
      }
      for (const orderNo of orders) pending.push({ eventId, orderNo, state: 'cancelled', paid: true });
      return out;
    },
    /**
     * A refunded ticket bought again under the same attendee id (e.g. KKTIX support reactivating
     * it): back in the book, `activated` and paid, with a new `updated_at`.
     */
    rebuy(eventId: number, ids: number[]) {
      const ev = eventOf(eventId);
      const out: SimAttendee[] = [];
      const orders = new Set<number>();
      for (const id of ids) {
        const a = ev.records.get(id);
        if (!a) throw new Error(`kktix sim: no attendee ${id} in event ${eventId}`);
        a.state = 'activated';
        a.is_paid = true;
        a.updated_at = now() / 1000;
        if (!ev.book.includes(id)) ev.book.push(id);
        orders.add(a.order_no);
        out.push(copy(a));
      }
      for (const orderNo of orders) pending.push({ eventId, orderNo, state: 'activated', paid: true });
      return out;
    },
    /** the records of the tickets in the book now, as the API serves them */
    attendees(eventId: number): SimAttendee[] {
      const ev = eventOf(eventId);
      return ev.book.map((id) => copy(ev.records.get(id) as SimAttendee));
    },
    /** the body the next webhook would carry (orders changed since the last send), without sending */
    webhookBatch() {
      return {
        orders: pending.map((p) => {
          const ev = eventOf(p.eventId);
          const tickets = [...ev.records.values()].filter((a) => a.order_no === p.orderNo);
          return {
            order_no: p.orderNo,
            event_id: p.eventId,
            state: p.state,
            is_paid: p.paid,
            updated_at: Math.max(...tickets.map((a) => a.updated_at)),
            attendees: tickets.map((a) => ({ id: a.id, ticket_name: a.ticket_name })),
          };
        }),
      };
    },
    /**
     * POSTs the pending orders as one batch (or `body` verbatim) to `url`, as KKTIX's webhook
     * does; pending orders are cleared when the receiver answers 2xx.
     */
    async sendWebhook(url: string, body?: unknown) {
      const payload = body ?? this.webhookBatch();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'KKTIX-Webhook-Sim' },
        body: typeof payload === 'string' ? payload : JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (res.ok && body === undefined) pending.length = 0;
      return { status: res.status, text, payload };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type KktixSim = Awaited<ReturnType<typeof startKktixSim>>;
