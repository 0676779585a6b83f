import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app.ts';
import { errorText, openDatabase } from '../../src/platform/db.ts';
import { createHttp } from '../../src/platform/http/app.ts';
import { backends, client, createEvent, login, startApp, type TestApp } from '../helpers.ts';

type Envelope = {
  code: number;
  description: string;
  data?: { errors?: { path: string; message: string }[] };
};

/** Raw request: the answer must be the envelope whose code is the status. */
async function call(t: TestApp, method: string, path: string, body?: string, token?: string) {
  const res = await fetch(t.url + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = await res.text();
  const json = JSON.parse(text) as Envelope;
  expect(json.code).toBe(res.status);
  expect(typeof json.description).toBe('string');
  return { status: res.status, body: json, headers: res.headers };
}
const paths = (b: Envelope) => (b.data?.errors ?? []).map((e) => e.path);

describe.each(backends)('HTTP layer on %s', (backend) => {
  let t: TestApp;
  let organizer: string;
  beforeAll(async () => {
    t = await startApp(backend);
    organizer = (await login(t, 'organizer')).token;
  });
  afterAll(async () => t?.stop());
  const ticketsEvent = async () => (await createEvent(client(t.url, organizer))).id;

  it('refuses a NUL in params, querystring and body with a 400 naming the field', async () => {
    const param = await call(t, 'GET', '/api/events/a%00b');
    expect(param.status).toBe(400);
    expect(paths(param.body)).toEqual(['params.idOrCode']);

    const query = await call(
      t,
      'GET',
      '/api/registration/events/00000000-0000-4000-8000-000000000000/sales?from=2026%00',
      undefined,
      organizer,
    );
    expect(query.status).toBe(400);
    expect(paths(query.body)).toEqual(['querystring.from']);

    const signup = await call(
      t,
      'POST',
      '/api/auth/signup',
      JSON.stringify({ email: 'a@x.io', password: 'password-123', name: 'a\u0000b' }),
    );
    expect(signup.status).toBe(400);
    expect(paths(signup.body)).toContain('body.name');
  });

  it('refuses lone surrogates anywhere in the body, nested fields named by their path', async () => {
    const body = `{"slug":"ev-1","name":"x","source":"tickets","timezone":"Asia/Seoul\\ud800","mail":{"enabled":true,"subject":"hi \\udc00","template":"ok"}}`;
    const res = await call(t, 'POST', '/api/registration/events', body, organizer);
    expect(res.status).toBe(400);
    expect(paths(res.body).sort()).toEqual(['body.mail.subject', 'body.timezone']);
    // A well-formed pair (an emoji) is fine.
    const emoji = await call(
      t,
      'POST',
      '/api/auth/signup',
      JSON.stringify({ email: 'e@x.io', password: 'password-123', name: '😀' }),
    );
    expect(emoji.status).toBe(201);
  });

  it('answers router errors with the envelope: bad %-escape, over-long parameter, 404, 405', async () => {
    const badEscape = await call(t, 'GET', '/api/events/%ff%fe');
    expect(badEscape.status).toBe(400);
    expect(paths(badEscape.body)).toEqual(['url']);

    const long = await call(t, 'GET', `/api/events/${'a'.repeat(150)}`);
    expect(long.status).toBe(414);

    expect((await call(t, 'GET', '/api/nothing-here')).status).toBe(404);

    const wrong = await call(t, 'DELETE', '/api/events');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
    expect(wrong.headers.get('allow')).toContain('POST');
  });

  it('names the field in parser errors and in cross-field checks', async () => {
    const badJson = await call(t, 'POST', '/api/auth/login', '{"email":');
    expect(badJson.status).toBe(400);
    expect(paths(badJson.body)).toEqual(['body']);

    const created = await call(
      t,
      'POST',
      '/api/registration/events',
      JSON.stringify({ slug: 'range-1', name: 'r', source: 'tickets', ticketsEventId: await ticketsEvent() }),
      organizer,
    );
    expect(created.status).toBe(201);
    const id = (created.body.data as unknown as { event: { id: string } }).event.id;
    const oneDate = await call(
      t,
      'GET',
      `/api/registration/events/${id}/sales?from=2026-01-01`,
      undefined,
      organizer,
    );
    expect(oneDate.status).toBe(400);
    expect(paths(oneDate.body)).toEqual(['querystring.from', 'querystring.to']);
    const badDate = await call(
      t,
      'GET',
      `/api/registration/events/${id}/report.csv?from=2026-13-01&to=2026-01-02`,
      undefined,
      organizer,
    );
    expect(badDate.status).toBe(400);
    expect(paths(badDate.body)).toEqual(['querystring.from']);
  });

  it('saves a KKTIX connection it cannot reach now as not tested (no 5xx)', async () => {
    const res = await call(
      t,
      'POST',
      '/api/registration/events',
      JSON.stringify({
        slug: 'down-1',
        name: 'down',
        source: 'kktix',
        kktix: { baseUrl: 'http://127.0.0.1:9', eventId: '1', token: 'token-12345678' },
      }),
      organizer,
    );
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).toContain('"untested"');
  });

  it('sends the security headers on API, static, docs and error answers', async () => {
    const answers = {
      api: await fetch(`${t.url}/api/events`),
      notFound: await fetch(`${t.url}/api/nothing`),
      badUrl: await fetch(`${t.url}/api/events/%ff`),
      badInput: await fetch(`${t.url}/api/events/a%00`),
      docs: await fetch(`${t.url}/docs/static/index.html`),
      docsAsset: await fetch(`${t.url}/docs/static/swagger-ui.css`),
    };
    for (const [name, res] of Object.entries(answers)) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("img-src 'self' data:");
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
    }
    expect(answers.docs.status).toBe(200);
  });

  it('still serves the client its ordinary answers', async () => {
    const api = client(t.url);
    expect((await api.get('/api/events')).status).toBe(200);
  });
});

describe.each(backends)('error logs on %s', (backend) => {
  it('log a failed statement as SQL text, SQLSTATE and constraint, never its parameters', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const database = await openDatabase({
      dataDir: 'memory://',
      databaseUrl: backend === 'postgres' ? process.env.DATABASE_URL : undefined,
    });
    const app = await createHttp({ logger, bodyLimit: 1_000_000, serveWeb: false });
    const secretValue = `scrypt$16384$8$1$${randomBytes(12).toString('hex')}`;
    app.get('/boom', async () => {
      await database.db.execute(sql`select ${secretValue}::int as n`);
      return {};
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ code: 500, description: 'internal error' });
      expect(res.body).not.toContain(secretValue);
      // Consumers log the error text as a string; it is cut before the parameters too.
      const err = await database.db.execute(sql`select ${secretValue}::int as n`).catch((e: unknown) => e);
      logger.warn({ err: (err as Error).message }, 'consumer failed');
      expect(errorText(err)).not.toContain(secretValue);
      const log = lines.join('');
      expect(log).toContain('unhandled error');
      expect(log).toContain('22P02');
      expect(log).toContain('::int as n');
      expect(log).toContain('consumer failed');
      expect(log).not.toContain(secretValue);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
