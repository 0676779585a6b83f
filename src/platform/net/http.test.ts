import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  excerpt,
  Http,
  joinUrl,
  mapLimit,
  Pacer,
  reasonFor,
  retryAfterMs,
  type Sleep,
  safeJson,
  UpstreamError,
} from './http.ts';
import { outboundPolicy, setOutboundPolicy } from './outbound.ts';

// A real server on loopback (vitest's YEYAK_OUTBOUND_ALLOW lets the guarded fetch reach it).
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let server: Server;
let base: string;
let handler: Handler;
let seen: { method: string; headers: IncomingMessage['headers'] }[];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => handler(req, res, seen.length));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});
beforeEach(() => {
  seen = [];
  handler = (_req, res) => res.end('ok');
});

const answer = (status: number, body = '', headers: Record<string, string> = {}) =>
  ((_req, res) => res.writeHead(status, headers).end(body)) as Handler;

/** Records the waits asked for and returns at once, so Retry-After tests take no time. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
  };
  return { waits, sleep };
}

describe('Pacer', () => {
  it('spaces callers by the interval and serves them in call order', async () => {
    const pacer = new Pacer({ minIntervalMs: 30 });
    const order: number[] = [];
    const times: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await pacer.wait();
        order.push(i);
        times.push(Date.now());
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    // Timers may fire a millisecond early against Date.now.
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(28);
  });

  it('keeps the jitter within its bounds', async () => {
    const { waits, sleep } = recordingSleep();
    const pacer = new Pacer({ minIntervalMs: 100, jitterMs: 50, sleep });
    for (let i = 0; i < 40; i++) await pacer.wait();
    expect(waits).toHaveLength(39); // the first call does not wait
    for (const w of waits) {
      expect(w).toBeGreaterThan(95);
      expect(w).toBeLessThanOrEqual(150);
    }
    // Jitter is random: 39 draws are not all the same.
    expect(new Set(waits.map(Math.round)).size).toBeGreaterThan(1);
  });

  it('runs the gate after its own spacing, and a failing gate does not stall the next caller', async () => {
    const events: string[] = [];
    let fail = true;
    const pacer = new Pacer({
      minIntervalMs: 10,
      gate: async () => {
        events.push('gate');
        if (fail) {
          fail = false;
          throw new Error('paused');
        }
      },
    });
    await expect(pacer.wait()).rejects.toThrow('paused');
    await pacer.wait();
    expect(events).toEqual(['gate', 'gate']);
  });
});

describe('Http', () => {
  it('sends through the guarded fetch and counts requests', async () => {
    const http = new Http('svc');
    const { res, text } = await http.request(`${base}/x`, { headers: { 'x-a': '1' } });
    expect([res.status, text, http.requests]).toEqual([200, 'ok', 1]);
    expect(seen[0].headers['x-a']).toBe('1');
  });

  it('refuses a private address the policy does not allow, as a rejected UpstreamError', async () => {
    const saved = outboundPolicy();
    setOutboundPolicy({ allow: [] });
    try {
      const err = await new Http('svc').request(base).catch((e) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect([err.reason, err.status]).toEqual(['rejected', 502]);
      expect(seen).toHaveLength(0);
    } finally {
      setOutboundPolicy(saved);
    }
  });

  it('waits a Retry-After given in seconds, as an HTTP date, or as JSON retry_after', async () => {
    const { waits, sleep } = recordingSleep();
    const http = new Http('svc', { sleep });
    const date = new Date(Date.now() + 5000).toUTCString();
    const plan = [
      answer(429, '', { 'retry-after': '2' }),
      answer(429, '', { 'retry-after': date }),
      answer(429, JSON.stringify({ retry_after: 1.5 }), { 'content-type': 'application/json' }),
      answer(200, 'done'),
    ];
    handler = (req, res, n) => plan[n - 1](req, res, n);
    const { res, text } = await http.request(base);
    expect([res.status, text, http.requests]).toEqual([200, 'done', 4]);
    expect(waits[0]).toBe(2000);
    // An HTTP date has whole seconds: 5 s ahead is between 4 and 5 s away.
    expect(waits[1]).toBeGreaterThan(3500);
    expect(waits[1]).toBeLessThanOrEqual(5000);
    expect(waits[2]).toBe(1500);
  });

  it('returns a 429 once the waits run out, or when the wait would be too long', async () => {
    const { waits, sleep } = recordingSleep();
    handler = answer(429, 'slow down', { 'retry-after': '0' });
    const http = new Http('svc', { sleep });
    const { res, text } = await http.request(base);
    expect([res.status, text, http.requests]).toEqual([429, 'slow down', 4]); // 3 waits, then given up
    expect(waits).toEqual([0, 0, 0]);

    handler = answer(429, '', { 'retry-after': '60' });
    const patient = new Http('svc', { sleep, maxRetryAfterMs: 10_000 });
    expect((await patient.request(base)).res.status).toBe(429);
    expect(patient.requests).toBe(1);

    handler = answer(429, '', { 'retry-after': '0' });
    const once = new Http('svc', { sleep, rateLimitWaits: 0 });
    expect((await once.request(base)).res.status).toBe(429);
    expect(once.requests).toBe(1);
  });

  it('repeats a 5xx only when the request is idempotent', async () => {
    const { sleep } = recordingSleep();
    handler = answer(503, 'down');
    const get = new Http('svc', { sleep });
    expect((await get.request(base)).res.status).toBe(503);
    expect(get.requests).toBe(3);

    const post = new Http('svc', { sleep });
    expect((await post.request(base, { method: 'POST', body: 'x' })).res.status).toBe(503);
    expect(post.requests).toBe(1);

    const safePost = new Http('svc', { sleep });
    await safePost.request(base, { method: 'POST', body: 'x', idempotent: true });
    expect(safePost.requests).toBe(3);

    handler = (req, res, n) => (n < 2 ? answer(502)(req, res, n) : res.end('back'));
    seen = [];
    expect((await new Http('svc', { sleep }).request(base)).text).toBe('back');
  });

  it('repeats a dropped connection only when idempotent, then throws unavailable', async () => {
    const { sleep } = recordingSleep();
    handler = (req) => req.socket.destroy();
    const get = new Http('svc', { sleep });
    const err = await get.request(base).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect([err.service, err.reason, err.status]).toEqual(['svc', 'unavailable', 502]);
    expect(get.requests).toBe(3);

    const post = new Http('svc', { sleep });
    await expect(post.request(base, { method: 'POST', body: 'x' })).rejects.toMatchObject({
      reason: 'unavailable',
    });
    expect(post.requests).toBe(1);
  });

  it('gives up on a silent server after the timeout: unavailable', async () => {
    handler = () => {}; // never answers
    const http = new Http('svc', { timeoutMs: 150, attempts: 1 });
    const started = Date.now();
    const err = await http.request(base).catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.reason).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('runs beforeSend after pacing and onResponse on every answer; a throwing beforeSend sends nothing', async () => {
    handler = answer(200, 'ok', { 'set-cookie': 'a=1' });
    const http = new Http('svc', { fetch: (input, init) => fetch(input, init) });
    const cookies: string[] = [];
    await http.request(base, {
      beforeSend: (h) => h.set('cookie', 'jar=1'),
      onResponse: (res) => cookies.push(...res.headers.getSetCookie()),
    });
    expect(seen[0].headers.cookie).toBe('jar=1');
    expect(cookies).toEqual(['a=1']);

    const stop = new Error('stopped');
    await expect(
      http.request(base, {
        beforeSend: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect([seen.length, http.requests]).toEqual([1, 1]);
  });
});

describe('UpstreamError and helpers', () => {
  it('maps statuses to reasons and reasons to the status yeyak answers', () => {
    expect([401, 403, 404, 429, 500, 503, 400, 422].map(reasonFor)).toEqual([
      'unauthorized',
      'unauthorized',
      'not_found',
      'rate_limited',
      'unavailable',
      'unavailable',
      'rejected',
      'rejected',
    ]);
    const err = new UpstreamError('svc', 'rate_limited', 'slow', { upstreamStatus: 429, retryAfterMs: 500 });
    expect([err.status, err.data]).toEqual([
      503,
      { service: 'svc', reason: 'rate_limited', upstreamStatus: 429, retryAfterMs: 500 },
    ]);
    expect(new UpstreamError('svc', 'conflict', 'x').status).toBe(409);
    expect(new UpstreamError('svc', 'invalid', 'x').status).toBe(400);
  });

  it('reads Retry-After without a response header as undefined', () => {
    expect(retryAfterMs(new Response(''))).toBeUndefined();
    expect(retryAfterMs(new Response(''), { retry_after: 'soon' })).toBeUndefined();
  });

  it('joins URLs, cuts excerpts, parses JSON safely', () => {
    expect(joinUrl('https://a.b/api/', '/x')).toBe('https://a.b/api/x');
    expect(joinUrl('https://a.b/api', 'x')).toBe('https://a.b/api/x');
    expect(excerpt('a'.repeat(250))).toHaveLength(201);
    expect(safeJson('{"a":1}')).toEqual({ a: 1 });
    expect(safeJson('<html>')).toBeUndefined();
  });

  it('maps with a concurrency limit, keeping input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, n * 3));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
