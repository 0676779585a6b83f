import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import jsqrImport from 'jsqr';
import { type ParsedMail, simpleParser } from 'mailparser';
import pg from 'pg';
import { PNG } from 'pngjs';
import { SMTPServer } from 'smtp-server';
import { createLogger, createYeyak, type Yeyak, type YeyakOptions } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { queueNames } from '../src/platform/events/amqp.ts';

export type Backend = 'pglite' | 'postgres';

/** Loopback, where every stand-in of an outside service listens in tests. */
export const TEST_OUTBOUND_ALLOW = '127.0.0.1,localhost,[::1]';

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI and the project's machines). */
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
export const amqpUrl = process.env.AMQP_URL;

/** A fresh, empty PostgreSQL database on the DATABASE_URL server; dropped by the returned function. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `yeyak_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type TestApp = {
  y: Yeyak;
  config: Config;
  url: string;
  stop: () => Promise<void>;
};

/**
 * Starts a whole yeyak on a throwaway database (in-memory PGlite or a fresh PostgreSQL database),
 * listening on a free port. No demo data unless asked.
 */
export async function startApp(
  backend: Backend,
  overrides: Partial<Config> = {},
  opts: YeyakOptions & { env?: Record<string, string> } = {},
): Promise<TestApp> {
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') {
    const fresh = await freshPostgres();
    databaseUrl = fresh.url;
    drop = fresh.drop;
  }
  const config = {
    // The stand-ins in sims/ listen on loopback, which user-supplied URLs may not reach otherwise.
    ...loadConfig({
      YEYAK_DEMO: '0',
      LOG_LEVEL: 'warn',
      YEYAK_OUTBOUND_ALLOW: TEST_OUTBOUND_ALLOW,
      ...opts.env,
    }),
    dataDir: 'memory://',
    databaseUrl,
    port: 0,
    host: '127.0.0.1',
    retryBaseMs: 200,
    amqpUrl: undefined,
    smtpUrl: undefined,
    ...overrides,
  };
  const y = await createYeyak(config, {
    logger: createLogger(config.logLevel),
    pollingIntervalSeconds: 0.5,
    ...opts,
  });
  await y.start();
  let url = '';
  if (y.app) {
    await y.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(y.app.server.address() as AddressInfo).port}`;
  }
  return {
    y,
    config,
    url,
    stop: async () => {
      await y.stop();
      await drop();
    },
  };
}

export type Answer<T = Record<string, unknown>> = {
  status: number;
  body: { code: number; description: string; data?: T };
};

/** A tiny HTTP client for tests: JSON in, envelope out. */
export function client(baseUrl: string, token?: string) {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Answer<T>['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { code: res.status, description: text };
    }
    return { status: res.status, body: parsed };
  };
  return {
    get: <T = Record<string, unknown>>(p: string, h?: Record<string, string>) =>
      call<T>('GET', p, undefined, h),
    post: <T = Record<string, unknown>>(p: string, b?: unknown, h?: Record<string, string>) =>
      call<T>('POST', p, b ?? {}, h),
    put: <T = Record<string, unknown>>(p: string, b?: unknown) => call<T>('PUT', p, b),
    patch: <T = Record<string, unknown>>(p: string, b?: unknown) => call<T>('PATCH', p, b),
    del: <T = Record<string, unknown>>(p: string, h?: Record<string, string>) =>
      call<T>('DELETE', p, undefined, h),
    raw: (path: string, init?: RequestInit) =>
      fetch(baseUrl + path, {
        ...init,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init?.headers ?? {}) },
      }),
  };
}

let counter = 0;
/** A verified account with a role, and a client logged in as it. */
export async function login(t: TestApp, role: 'user' | 'organizer' | 'admin' = 'user', email?: string) {
  const address = email ?? `${role}${++counter}-${randomBytes(3).toString('hex')}@test.yeyak`;
  await t.y.auth.addUser({ email: address, password: 'password-123', role });
  const res = await client(t.url).post<{ token: string }>('/api/auth/login', {
    email: address,
    password: 'password-123',
  });
  if (res.status !== 200 || !res.body.data) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  const token = res.body.data.token;
  return { email: address, token, api: client(t.url, token) };
}

/** A showtime `hours` from now, on a whole minute (showtimes are picked by date and HH:mm). */
export function inHours(hours: number): string {
  return new Date(Math.round((Date.now() + hours * 3_600_000) / 60_000) * 60_000).toISOString();
}

export type EventData = {
  id: string;
  code: string;
  title: string;
  showtimes: {
    id: string;
    startsAt: string;
    ticketTypes: {
      id: string;
      name: string;
      price: number;
      quota: number;
      available: number;
      sold: number;
      held: number;
    }[];
  }[];
};

/** Creates an event with one showtime per entry of `quotas` rows (ticket types). */
export async function createEvent(
  organizer: ReturnType<typeof client>,
  opts: {
    code?: string;
    title?: string;
    startsInHours?: number;
    ticketTypes?: { name: string; price: number; quota: number }[];
  } = {},
): Promise<EventData> {
  const code = opts.code ?? `PF${randomBytes(4).toString('hex').toUpperCase()}`;
  const res = await organizer.post<{ event: EventData }>('/api/events', {
    code,
    title: opts.title ?? `공연 ${code}`,
    venue: '테스트홀',
    showtimes: [
      {
        startsAt: inHours(opts.startsInHours ?? 48),
        ticketTypes: opts.ticketTypes ?? [{ name: 'R석', price: 50_000, quota: 10 }],
      },
    ],
  });
  if (res.status !== 201 || !res.body.data)
    throw new Error(`create event failed: ${JSON.stringify(res.body)}`);
  return res.body.data.event;
}

/** Waits until `check` returns a value (not undefined/false), polling. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting${last ? `: ${(last as Error).message}` : ''}`);
}

/** A real SMTP server on a free port that keeps every accepted message, parsed. Can be told to refuse. */
export async function startSmtp() {
  const messages: { raw: Buffer; parsed: ParsedMail }[] = [];
  let refuse = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (refuse) {
          const err = new Error('mailbox unavailable, try later') as Error & { responseCode: number };
          err.responseCode = 451;
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        messages.push({ raw, parsed: await simpleParser(raw) });
        callback();
      });
    },
  });
  // A sender that goes away mid-session is reported as an 'error' event: not the test's failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    setRefuse: (v: boolean) => {
      refuse = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// jsqr is CommonJS with a default export; under NodeNext the callable is on .default at runtime.
type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsqrImport as unknown as { default?: JsQR }).default ?? jsqrImport) as unknown as JsQR;

/** Decodes the QR code in a PNG image. */
export function decodeQr(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

/** Removes the exchange and queues a test or benchmark made under its own AMQP namespace. */
export async function deleteAmqpNamespace(url: string, namespace: string, consumers: string[]) {
  const conn = await amqp.connect(url);
  const ch = await conn.createChannel();
  for (const c of consumers) {
    const q = queueNames(namespace, c);
    for (const name of [q.main, q.dead, ...q.retry]) await ch.deleteQueue(name).catch(() => {});
  }
  await ch.deleteExchange(`${namespace}.events`).catch(() => {});
  await conn.close();
}
