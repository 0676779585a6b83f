import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, client, login, startApp, type TestApp } from './helpers.ts';

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

  it('still serves the client its ordinary answers', async () => {
    const api = client(t.url);
    expect((await api.get('/api/events')).status).toBe(200);
  });
});
